import jdk.incubator.vector.*;
public class PK {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static float run(int n) {
    FloatVector a = FloatVector.broadcast(S, 1.0001f), b = FloatVector.broadcast(S, 0.9999f);
    FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0;
    for (int i = 0; i < n; i++) {
      c0 = a.fma(b, c0); c1 = a.fma(b, c1); c2 = a.fma(b, c2); c3 = a.fma(b, c3); c4 = a.fma(b, c4);
      c5 = a.fma(b, c5); c6 = a.fma(b, c6); c7 = a.fma(b, c7); c8 = a.fma(b, c8); c9 = a.fma(b, c9);
    }
    return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).reduceLanes(VectorOperators.ADD);
  }
  public static void main(String[] x) {
    for (int r = 0; r < 5; r++) {
      int n = 50_000_000; long t = System.nanoTime(); float s = run(n); t = System.nanoTime() - t;
      System.out.printf("%.1f GFLOP/s (%f)%n", 10.0 * n * 2 * S.length() / t, s);
    }
  }
}
