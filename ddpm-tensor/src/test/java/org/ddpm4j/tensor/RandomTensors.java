package org.ddpm4j.tensor;

import java.util.SplittableRandom;

/** Seeded random test tensors. */
final class RandomTensors {
    private final SplittableRandom rng;

    RandomTensors(long seed) {
        this.rng = new SplittableRandom(seed);
    }

    /** Standard normal entries. */
    Tensor normal(int... shape) {
        float[] d = new float[Math.toIntExact(Tensor.elementCount(shape))];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) gaussian();
        }
        return Tensor.of(d, shape);
    }

    /** Uniform entries in [lo, hi). */
    Tensor uniform(float lo, float hi, int... shape) {
        float[] d = new float[Math.toIntExact(Tensor.elementCount(shape))];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (lo + (hi - lo) * rng.nextDouble());
        }
        return Tensor.of(d, shape);
    }

    int nextInt(int lo, int hiInclusive) {
        return rng.nextInt(lo, hiInclusive + 1);
    }

    private double gaussian() {
        // Box–Muller; SplittableRandom has no nextGaussian with a stable algorithm across JDKs.
        double u1 = 1.0 - rng.nextDouble(), u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
