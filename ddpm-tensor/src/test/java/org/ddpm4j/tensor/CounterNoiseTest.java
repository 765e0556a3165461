package org.ddpm4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The counter-based noise is standard normal to within sampling error, uncorrelated, and different per seed. */
class CounterNoiseTest {
    private static final int N = 1 << 20;
    /** Five standard errors of each statistic for N draws: a correct generator fails about once in 10⁶ runs. */
    private static final double Z = 5;

    @Test
    void momentsAndTailsAreThoseOfAStandardNormal() {
        double sum = 0, sq = 0, fourth = 0, max = 0;
        int within1 = 0, beyond196 = 0;
        for (int i = 0; i < N; i++) {
            double x = CounterNoise.gaussian(123L, i);
            sum += x;
            sq += x * x;
            fourth += x * x * x * x;
            max = Math.max(max, Math.abs(x));
            within1 += Math.abs(x) < 1 ? 1 : 0;
            beyond196 += Math.abs(x) > 1.959964 ? 1 : 0;
        }
        assertEquals(0, sum / N, Z / Math.sqrt(N), "mean");
        assertEquals(1, sq / N, Z * Math.sqrt(2.0 / N), "variance");
        assertEquals(3, fourth / N, Z * Math.sqrt(96.0 / N), "fourth moment (3 for a normal)");
        assertEquals(0.682689, within1 / (double) N, Z * Math.sqrt(0.2167 / N), "mass within 1σ");
        assertEquals(0.05, beyond196 / (double) N, Z * Math.sqrt(0.0475 / N), "mass beyond 1.96σ");
        assertTrue(max <= Math.sqrt(48 * Math.log(2)) + 1e-5, "bounded by the 24-bit uniform: " + max);
    }

    @Test
    void neighboursAndSeedsAreUncorrelated() {
        double lag = 0, cross = 0;
        for (int i = 0; i < N; i++) {
            float x = CounterNoise.gaussian(7L, i);
            lag += x * CounterNoise.gaussian(7L, i + 1);
            cross += x * CounterNoise.gaussian(8L, i);
        }
        assertEquals(0, lag / N, Z / Math.sqrt(N), "correlation of neighbouring elements");
        assertEquals(0, cross / N, Z / Math.sqrt(N), "correlation of two seeds");
    }
}
