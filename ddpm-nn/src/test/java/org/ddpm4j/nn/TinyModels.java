package org.ddpm4j.nn;

import java.util.SplittableRandom;
import java.util.Set;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/** Small U-Nets for tests, with every parameter randomised (so zero-initialised layers still pass gradients). */
final class TinyModels {
    private TinyModels() {
    }

    /** ch 32, mult (1, 2), 1 block, attention at 4×4, 8×8 images, optional classes, dropout 0.1. */
    static UNetConfig tinyConfig(int classes) {
        return new UNetConfig(1, 32, new int[] {1, 2}, 1, Set.of(4), 0.1f, 8, classes);
    }

    static UNet tinyUNet(Backend be, int classes, long seed) {
        UNet net = new UNet(tinyConfig(classes), be, new SplittableRandom(seed));
        randomize(net, seed);
        return net;
    }

    static void randomize(Module m, long seed) {
        SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (Parameter p : m.parameters()) {
            float[] d = new float[p.value().size()];
            boolean gamma = p.name().endsWith("norm1.weight") || p.name().endsWith("norm2.weight")
                    || p.name().endsWith("norm.weight") || p.name().equals("tail.0.weight");
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) ((gamma ? 1 : 0) + 0.2 * (rng.nextDouble() * 2 - 1));
            }
            p.value().copyFrom(d);
        }
    }

    static Tensor normal(long seed, int... shape) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] d = new float[Math.toIntExact(Tensor.elementCount(shape))];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rng.nextGaussian();
        }
        return Tensor.of(d, shape);
    }

    static void copyParameters(Module from, Module to) {
        var a = from.parameters();
        var b = to.parameters();
        for (int i = 0; i < a.size(); i++) {
            b.get(i).value().copyFrom(a.get(i).value());
        }
    }
}
