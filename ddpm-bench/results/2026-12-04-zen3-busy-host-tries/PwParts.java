package org.ddpm4j.tensor.simd;

import java.util.*;

public class PwParts {
    interface Part { void run(); }
    public static void main(String[] args) {
        int cin = 128, cout = 128, p = Integer.parseInt(args.length > 0 ? args[0] : "256"), imgs = 8;
        SplittableRandom r = new SplittableRandom(1);
        float[] x = new float[imgs * cin * p], w = new float[cout * cin], y = new float[imgs * cout * p], bias = new float[cout];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
        float[] buf = new float[Sgemm.PackedA.size(cout, cin)];
        Sgemm.PackedA pw = Sgemm.PackedA.pack(false, cout, cin, w, 0, cin, buf);
        float[] packB = new float[cin * Sgemm.NC];
        int[] runs = new int[cin];
        for (int k = 0; k < cin; k++) runs[k] = k * p;
        LinkedHashMap<String, Part> parts = new LinkedHashMap<>();
        parts.put("gemmPacked Dense", () -> { for (int n = 0; n < imgs; n++) Sgemm.gemmPacked(pw, 0, cout, p, 1f, new BPacker.Dense(false, x, n * cin * p, p), false, y, n * cout * p, p); });
        parts.put("packB rows", () -> { for (int n = 0; n < imgs; n++) new BPacker.Dense(false, x, n * cin * p, p).pack(0, cin, 0, p, packB); });
        parts.put("gemmRowsBlock", () -> { for (int n = 0; n < imgs; n++) Sgemm.gemmRowsBlock(pw, 0, cout, 0, p, x, n * cin * p, runs, false, y, n * cout * p, p); });
        parts.put("bias pass", () -> { for (int n = 0; n < imgs; n++) for (int o = 0; o < cout; o++) VectorOps.addScalar(y, (n * cout + o) * p, bias[o], y, (n * cout + o) * p, p); });
        Map<String, List<Double>> times = new LinkedHashMap<>();
        for (int round = 0; round < 60; round++) {
            for (var e : parts.entrySet()) {
                long t0 = System.nanoTime(); e.getValue().run(); long dt = System.nanoTime() - t0;
                if (round >= 15) times.computeIfAbsent(e.getKey(), z -> new ArrayList<>()).add(dt / 1e6 / imgs);
            }
        }
        double fl = 2.0 * cin * cout * p;
        for (var e : times.entrySet()) {
            List<Double> l = e.getValue(); Collections.sort(l);
            System.out.printf("%-18s per image: min %.4f  median %.4f ms  (%.1f GF/s at min)%n", e.getKey(), l.get(0), l.get(l.size() / 2), fl / l.get(0) / 1e6);
        }
    }
}
