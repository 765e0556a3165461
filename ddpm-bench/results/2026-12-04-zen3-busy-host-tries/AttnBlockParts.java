package org.ddpm4j.tensor.simd;

import java.util.*;
import org.ddpm4j.tensor.*;

public class AttnBlockParts {
    interface Part { void run(); }
    public static void main(String[] args) {
        int threads = Integer.parseInt(args[0]);
        int n = 32, c = 128, hw = 16, t = hw * hw;
        Backend be = Backends.create("simd", threads);
        SplittableRandom r = new SplittableRandom(1);
        java.util.function.IntFunction<float[]> rnd = len -> { float[] a = new float[len]; for (int i = 0; i < len; i++) a[i] = (float) r.nextGaussian() * 0.1f; return a; };
        Tensor x = Tensor.of(rnd.apply(n * c * t), n, c, hw, hw), h = Tensor.zeros(n, c, hw, hw);
        Tensor gamma = Tensor.of(rnd.apply(c), c), beta = Tensor.zeros(c), mean = Tensor.zeros(n, 32), rstd = Tensor.zeros(n, 32);
        Tensor wq = Tensor.of(rnd.apply(c * c), c, c, 1, 1), wv = Tensor.of(rnd.apply(c * c), c, c, 1, 1), bq = Tensor.zeros(c);
        Tensor w2 = Tensor.of(rnd.apply(2 * c * c), 2 * c, c, 1, 1), b2 = Tensor.zeros(2 * c), qv = Tensor.zeros(n, 2 * c, hw, hw);
        Tensor q = Tensor.zeros(n, c, hw, hw), v = Tensor.zeros(n, c, hw, hw), o = Tensor.zeros(n, c, hw, hw), p = Tensor.zeros(n, t, t);
        LinkedHashMap<String, Part> parts = new LinkedHashMap<>();
        parts.put("groupNorm", () -> be.groupNorm(x, gamma, beta, 32, 1e-6f, h, mean, rstd));
        parts.put("conv q", () -> be.conv2d(h, wq, bq, Conv2dSpec.pointwise(), q));
        parts.put("conv v", () -> be.conv2d(h, wv, bq, Conv2dSpec.pointwise(), v));
        parts.put("conv q+v stacked", () -> be.conv2d(h, w2, b2, Conv2dSpec.pointwise(), qv));
        parts.put("attention", () -> be.attention(q, h, v, o, p));
        parts.put("add", () -> be.add(x, o, o));
        org.ddpm4j.nn.AttnBlock block = new org.ddpm4j.nn.AttnBlock(be, "attn", c, 1e-6f, new SplittableRandom(0));
        for (org.ddpm4j.nn.Parameter pp : block.parameters()) { if (pp.name().startsWith("attn.qkv.") || pp.name().startsWith("attn.proj.")) pp.value().copyFrom(rnd.apply((int) pp.value().size())); }
        parts.put("BLOCK forward", () -> block.forward(x, null, org.ddpm4j.nn.ForwardContext.inference()));
        Map<String, List<Double>> times = new LinkedHashMap<>();
        for (int round = 0; round < 150; round++) {
            for (var e : parts.entrySet()) {
                long t0 = System.nanoTime(); e.getValue().run(); be.finish(); long dt = System.nanoTime() - t0;
                if (round >= 30) times.computeIfAbsent(e.getKey(), z -> new ArrayList<>()).add(dt / 1e6);
            }
        }
        double total = 0;
        for (var e : times.entrySet()) {
            List<Double> l = e.getValue(); Collections.sort(l);
            if (!e.getKey().contains("stacked")) total += l.get(l.size() / 2);
            System.out.printf("%-18s p10 %.3f median %.3f ms%n", e.getKey(), l.get(l.size() / 10), l.get(l.size() / 2));
        }
        System.out.printf("sum of medians (unstacked) %.3f ms%n", total);
    }
}
