package org.ddpm4j.tensor.simd;

import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

public class PwSched {
    public static void main(String[] args) throws Exception {
        int cin = 128, cout = 128, p = 256, imgs = 32;
        SplittableRandom r = new SplittableRandom(1);
        float[] x = new float[imgs * cin * p], w = new float[cout * cin], y = new float[imgs * cout * p];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
        float[] buf = new float[Sgemm.PackedA.size(cout, cin)];
        Sgemm.PackedA pw = Sgemm.PackedA.pack(false, cout, cin, w, 0, cin, buf);
        CyclicBarrier start = new CyclicBarrier(2), end = new CyclicBarrier(2);
        AtomicInteger next = new AtomicInteger();
        int[] mode = {0};
        long[][] busy = new long[2][1];
        Runnable[] body = new Runnable[2];
        for (int k = 0; k < 2; k++) {
            int kk = k;
            body[k] = () -> {
                long t0 = System.nanoTime();
                if (mode[0] == 0) {
                    for (int n = kk * imgs / 2; n < (kk + 1) * imgs / 2; n++) Sgemm.gemmPacked(pw, 0, cout, p, 1f, new BPacker.Dense(false, x, n * cin * p, p), false, y, n * cout * p, p);
                } else {
                    for (int n; (n = next.getAndIncrement()) < imgs; ) Sgemm.gemmPacked(pw, 0, cout, p, 1f, new BPacker.Dense(false, x, n * cin * p, p), false, y, n * cout * p, p);
                }
                busy[kk][0] = System.nanoTime() - t0;
            };
        }
        Thread worker = new Thread(() -> { try { while (true) { start.await(); body[1].run(); end.await(); } } catch (Exception e) { } });
        worker.setDaemon(true); worker.start();
        Map<Integer, List<Double>> times = new TreeMap<>(), skew = new TreeMap<>();
        for (int rep = 0; rep < 1200; rep++) {
            mode[0] = rep % 2; next.set(0);
            long t0 = System.nanoTime();
            start.await(); body[0].run(); end.await();
            if (rep >= 200) { times.computeIfAbsent(mode[0], z -> new ArrayList<>()).add((System.nanoTime() - t0) / 1e6);
                skew.computeIfAbsent(mode[0], z -> new ArrayList<>()).add(Math.abs(busy[0][0] - busy[1][0]) / 1e6); }
        }
        for (int m : times.keySet()) {
            List<Double> l = times.get(m); Collections.sort(l); List<Double> s = skew.get(m); Collections.sort(s);
            System.out.printf("%s: p10 %.3f p50 %.3f p90 %.3f ms; |busy0-busy1| p50 %.3f p90 %.3f%n", m == 0 ? "static " : "dynamic", l.get(l.size()/10), l.get(l.size()/2), l.get(9*l.size()/10), s.get(s.size()/2), s.get(9*s.size()/10));
        }
    }
}
