package org.ddpm4j.tensor.simd;

import java.util.*;

public class AttnAB {
    public static void main(String[] args) {
        int c = Integer.parseInt(args[0]), t = Integer.parseInt(args[1]), imgs = 8;
        float[] q = PhaseSplitTestRandom.random(imgs * c * t, 1), k = PhaseSplitTestRandom.random(imgs * c * t, 2), v = PhaseSplitTestRandom.random(imgs * c * t, 3);
        float[] p = new float[imgs * t * t], o = new float[imgs * c * t];
        float scale = (float) (1 / Math.sqrt(c));
        Runnable whole = () -> { for (int b = 0; b < imgs; b++) { int x0 = b*c*t, p0 = b*t*t;
            Sgemm.gemm(true, false, t, t, c, scale, q, x0, t, k, x0, t, false, p, p0, t);
            for (int i = 0; i < t; i++) VectorOps.softmaxRow(p, p, p0 + i * t, t);
            Sgemm.gemm(false, true, c, t, t, 1f, v, x0, t, p, p0, t, false, o, x0, t); } };
        Runnable blocked = () -> { for (int b = 0; b < imgs; b++) QueryBlockAttention.forward(q, k, v, o, p, b*c*t, b*t*t, c, t, scale); };
        List<Double> a = new ArrayList<>(), bl = new ArrayList<>(), ratio = new ArrayList<>();
        for (int r = 0; r < 120; r++) {
            long t0 = System.nanoTime(); whole.run(); long t1 = System.nanoTime(); blocked.run(); long t2 = System.nanoTime();
            if (r >= 20) { a.add((t1 - t0) / 1e6 / imgs); bl.add((t2 - t1) / 1e6 / imgs); ratio.add((double) (t1 - t0) / (t2 - t1)); }
        }
        Collections.sort(a); Collections.sort(bl); Collections.sort(ratio);
        System.out.printf("C=%d T=%d per image: whole min %.3f med %.3f | blocked min %.3f med %.3f | whole/blocked med %.3f (p10 %.3f p90 %.3f)%n", c, t, a.get(0), a.get(50), bl.get(0), bl.get(50), ratio.get(50), ratio.get(10), ratio.get(90));
    }
}
class PhaseSplitTestRandom { static float[] random(int n, long seed) { SplittableRandom r = new SplittableRandom(seed); float[] x = new float[n]; for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian(); return x; } }
