import jdk.incubator.vector.*;
import java.util.*;
public class MK4 {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED; static final int VL = S.length();
  static void k4x2(int kc, float[] pa, int ao, float[] pb, int bo, float[] c, int co, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    for (int p = 0; p < kc; p++) {
      FloatVector b0 = FloatVector.fromArray(S, pb, bo + 0 * VL); FloatVector b1 = FloatVector.fromArray(S, pb, bo + 1 * VL);
      FloatVector a0 = FloatVector.broadcast(S, pa[ao + 0]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, pa[ao + 1]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, pa[ao + 2]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, pa[ao + 3]); c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
      ao += 4; bo += 2 * VL;
    }
    c00.add(FloatVector.fromArray(S, c, co + 0 * ldc + 0 * VL)).intoArray(c, co + 0 * ldc + 0 * VL);
    c01.add(FloatVector.fromArray(S, c, co + 0 * ldc + 1 * VL)).intoArray(c, co + 0 * ldc + 1 * VL);
    c10.add(FloatVector.fromArray(S, c, co + 1 * ldc + 0 * VL)).intoArray(c, co + 1 * ldc + 0 * VL);
    c11.add(FloatVector.fromArray(S, c, co + 1 * ldc + 1 * VL)).intoArray(c, co + 1 * ldc + 1 * VL);
    c20.add(FloatVector.fromArray(S, c, co + 2 * ldc + 0 * VL)).intoArray(c, co + 2 * ldc + 0 * VL);
    c21.add(FloatVector.fromArray(S, c, co + 2 * ldc + 1 * VL)).intoArray(c, co + 2 * ldc + 1 * VL);
    c30.add(FloatVector.fromArray(S, c, co + 3 * ldc + 0 * VL)).intoArray(c, co + 3 * ldc + 0 * VL);
    c31.add(FloatVector.fromArray(S, c, co + 3 * ldc + 1 * VL)).intoArray(c, co + 3 * ldc + 1 * VL);
  }

  // Runs 4x2 tiles over `strips` packed B strips of depth kc (each kc*2*VL floats) against 8 A strips, for `seconds`.
  static double gflops(float[] a, float[] b, float[] c, int kc, int strips, double seconds) {
    int ldc = 64; long flops = 0; long t0 = System.nanoTime(), end = t0 + (long) (seconds * 1e9); int s = 0;
    while (System.nanoTime() < end) {
      for (int rep = 0; rep < 8; rep++) {
        for (int blk = 0; blk < 8; blk++) {
          k4x2(kc, a, blk * 4 * kc, b, s * kc * 2 * VL, c, blk * 4 * ldc, ldc);
          flops += 2L * 4 * 2 * VL * kc;
        }
        s = (s + 1) % strips;
      }
    }
    return flops / (double) (System.nanoTime() - t0);
  }
  public static void main(String[] args) throws Exception {
    int threads = Integer.parseInt(args[0]), rounds = Integer.parseInt(args[1]);
    int kc = 256;
    // B working sets: 1 strip (16 KiB, L1), 16 strips (256 KiB, L2), 512 strips (8 MiB, L3 and beyond)
    int[] strips = {1, 16, 512};
    double[][][] g = new double[threads][strips.length][rounds];
    Thread[] ts = new Thread[threads];
    java.util.concurrent.CyclicBarrier bar = new java.util.concurrent.CyclicBarrier(threads);
    for (int t = 0; t < threads; t++) {
      int tt = t;
      ts[t] = new Thread(() -> {
        float[] a = new float[8 * 4 * kc]; float[] b = new float[kc * 2 * VL * 512]; float[] c = new float[64 * 64];
        Random r = new Random(tt); for (int i = 0; i < a.length; i++) a[i] = r.nextFloat(); for (int i = 0; i < b.length; i++) b[i] = r.nextFloat();
        for (int w = 0; w < 3; w++) for (int x = 0; x < strips.length; x++) gflops(a, b, c, kc, strips[x], 0.3);
        try {
          for (int round = 0; round < rounds; round++) {
            for (int x = 0; x < strips.length; x++) { bar.await(); g[tt][x][round] = gflops(a, b, c, kc, strips[x], 0.2); }
          }
        } catch (Exception e) { throw new RuntimeException(e); }
      });
      ts[t].start();
    }
    for (Thread t : ts) t.join();
    String[] names = {"B 16 KiB (L1)", "B 256 KiB (L2)", "B 8 MiB (L3+)"};
    for (int t = 0; t < threads; t++) {
      for (int x = 0; x < strips.length; x++) {
        double[] v = g[t][x].clone(); Arrays.sort(v);
        System.out.printf("thread %d %-15s GFLOP/s p10 %.1f p50 %.1f p90 %.1f (max/min %.2f)%n", t, names[x], v[rounds / 10], v[rounds / 2], v[9 * rounds / 10], v[rounds - 1] / v[0]);
      }
      // How much each working set's rate moves with the L1 one's, round by round: ratio of the slowest rounds.
      double[] rel = new double[rounds];
      for (int x = 1; x < strips.length; x++) {
        for (int rr = 0; rr < rounds; rr++) rel[rr] = g[t][x][rr] / g[t][0][rr];
        double[] v = rel.clone(); Arrays.sort(v);
        System.out.printf("thread %d %-15s / L1 rate per round: p10 %.2f p50 %.2f p90 %.2f%n", t, names[x], v[rounds / 10], v[rounds / 2], v[9 * rounds / 10]);
      }
    }
    StringBuilder sb = new StringBuilder("round series (thread 0, GFLOP/s L1 L2 L3+):");
    for (int rr = 0; rr < rounds; rr++) sb.append(String.format(" %.0f/%.0f/%.0f", g[0][0][rr], g[0][1][rr], g[0][2][rr]));
    System.out.println(sb);
  }
}
