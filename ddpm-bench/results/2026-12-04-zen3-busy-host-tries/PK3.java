import jdk.incubator.vector.*;
import java.util.*;
public class PK3 {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static volatile float sink;
  static void run(long iters) {
    FloatVector a = FloatVector.broadcast(S, 1.0001f), b = FloatVector.broadcast(S, 0.9999f);
    FloatVector c0=FloatVector.zero(S),c1=c0,c2=c0,c3=c0,c4=c0,c5=c0,c6=c0,c7=c0,c8=c0,c9=c0;
    for (long i = 0; i < iters; i++) { c0=a.fma(b,c0);c1=a.fma(b,c1);c2=a.fma(b,c2);c3=a.fma(b,c3);c4=a.fma(b,c4);c5=a.fma(b,c5);c6=a.fma(b,c6);c7=a.fma(b,c7);c8=a.fma(b,c8);c9=a.fma(b,c9); }
    sink = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).reduceLanes(VectorOperators.ADD);
  }
  public static void main(String[] x) throws Exception {
    long iters = 150_000; // ~0.5 ms
    for (int w = 0; w < 2000; w++) run(iters);
    int N = 3000;
    double[][] t = new double[2][N];
    Thread[] ts = new Thread[2];
    for (int k = 0; k < 2; k++) { int kk = k; ts[k] = new Thread(() -> { for (int i = 0; i < N; i++) { long t0 = System.nanoTime(); run(iters); t[kk][i] = (System.nanoTime() - t0) / 1e6; } }); }
    for (Thread th : ts) th.start(); for (Thread th : ts) th.join();
    for (int k = 0; k < 2; k++) { double[] s = t[k].clone(); Arrays.sort(s); System.out.printf("thread %d: p1 %.3f p10 %.3f p50 %.3f p90 %.3f p99 %.3f%n", k, s[N/100], s[N/10], s[N/2], s[9*N/10], s[99*N/100]); }
  }
}
