package org.ddpm4j.nn;

import java.util.random.RandomGenerator;
import org.ddpm4j.tensor.Tensor;

/**
 * Weight initialisation as in the DDPM reference code: {@code variance_scaling(scale, 'fan_avg', 'uniform')}, i.e.
 * U(−a, a) with a = √(3·scale / ((fan_in + fan_out)/2)); biases start at zero. The last convolution of every
 * residual branch and the output convolution use a (near) zero scale, so each block starts as the identity.
 */
public final class Init {
    private Init() {
    }

    /** Fills a weight of shape [out, in, k...] (or [out, in]) with DDPM's default uniform initialisation. */
    public static Tensor fanAvgUniform(Tensor w, double scale, RandomGenerator rng) {
        int out = w.dim(0), in = w.dim(1);
        int receptive = w.size() / (out * in);
        double fanAvg = (in * receptive + out * receptive) / 2.0;
        double a = Math.sqrt(3 * scale / fanAvg);
        float[] d = new float[w.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) ((rng.nextDouble() * 2 - 1) * a);
        }
        return w.copyFrom(d);
    }
}
