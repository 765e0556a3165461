package org.ddpm4j.tensor.check;

import java.util.SplittableRandom;
import org.ddpm4j.tensor.Tensor;

/**
 * Seeded host tensors for one run of an op case. Each run makes its own from the same seed, so the reference and
 * the backend under test read equal inputs and start from equal accumulators.
 */
final class CheckInputs {
    private final SplittableRandom rng;

    CheckInputs(long seed) {
        rng = new SplittableRandom(seed);
    }

    /** Standard normal values (Box–Muller: SplittableRandom's own Gaussian is not fixed across JDKs). */
    Tensor normal(int... shape) {
        float[] d = new float[Math.toIntExact(Tensor.elementCount(shape))];
        for (int i = 0; i < d.length; i++) {
            double u1 = 1.0 - rng.nextDouble(), u2 = rng.nextDouble();
            d[i] = (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
        }
        return Tensor.of(d, shape);
    }

    /** Normal values shifted by {@code shift}: a mean far from zero tests the normalisations' cancellation. */
    Tensor normalAround(float shift, int... shape) {
        return normal(shape).update(v -> {
            for (int i = 0; i < v.length; i++) {
                v[i] += shift;
            }
        });
    }

    /** Absolute normal values (Adam's second moment is never negative). */
    Tensor positive(int... shape) {
        return normal(shape).update(v -> {
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.abs(v[i]);
            }
        });
    }
}
