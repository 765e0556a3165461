package org.ddpm4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The measure the Winograd tests bound: the largest error of a result relative to its largest magnitude, which is
 * how a transform's rounding grows (with the values it sums, not with each output's own size).
 */
public final class ScaledErrorAssert {
    private ScaledErrorAssert() {
    }

    /** Fails unless {@code max|actual − expected| / max|expected| ≤ bound}, naming the result, the error and the scale. */
    public static void assertWithin(double[] expected, float[] actual, double bound, String what) {
        assertEquals(expected.length, actual.length, what + ": value count");
        double worst = 0, scale = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        double relative = worst / scale;
        assertTrue(relative <= bound, what + ": largest error " + worst + " is " + relative
                + " of the largest value " + scale + ", above the bound " + bound);
    }
}
