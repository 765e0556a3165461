package org.ddpm4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.function.LongBinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Derived seeds start SplitMix-style streams (SplittableRandom, dropout masks) far apart: a stream seeded with s
 * visits s + γ, s + 2γ, …, so two streams share draws exactly when their seeds' positions s·γ⁻¹ (mod 2⁶⁴) are
 * close. The test measures that distance for every pair of derived seeds.
 */
class SeedsTest {
    /** Streams this many draws apart or closer would share values; the smallest gap must exceed it. */
    private static final long DRAWS_PER_STREAM = 1L << 32;
    private static final long GAMMA = 0x9E3779B97F4A7C15L;
    private static final long GAMMA_INVERSE = BigInteger.valueOf(GAMMA).modInverse(BigInteger.ONE.shiftLeft(64))
            .longValue();

    @Test
    void seedsDerivedFromSmallSeedsAndConsecutiveCountersStartStreamsFarApart() {
        long gap = smallestGap(Seeds::derive);
        assertTrue(Long.compareUnsigned(gap, DRAWS_PER_STREAM) > 0, "closest streams " + gap + " draws apart");
    }

    @Test
    void theOldXorOfTheCounterTimesGammaPutsConsecutiveStepsOneDrawApart() {
        // The trainer's former step seed: proves the measurement sees the defect it guards against.
        assertEquals(1, smallestGap((seed, step) -> seed ^ (GAMMA * (step + 1))));
    }

    @Test
    void derivationIsAPureFunction() {
        assertEquals(Seeds.derive(3, 17), Seeds.derive(3, 17));
        assertTrue(Seeds.derive(3, 17) != Seeds.derive(17, 3));
    }

    /** The smallest unsigned distance between the stream positions of seeds 0, 1, 2 with counters 0..999. */
    private static long smallestGap(LongBinaryOperator derive) {
        long[] positions = new long[3 * 1000];
        int n = 0;
        for (long seed = 0; seed < 3; seed++) {
            for (long counter = 0; counter < 1000; counter++) {
                positions[n++] = derive.applyAsLong(seed, counter) * GAMMA_INVERSE;
            }
        }
        // Sort as unsigned numbers (flip the sign bit), then the gaps between neighbours, the wrap-around included.
        for (int i = 0; i < n; i++) {
            positions[i] ^= Long.MIN_VALUE;
        }
        Arrays.sort(positions);
        long smallest = positions[0] - positions[n - 1];
        for (int i = 1; i < n; i++) {
            long gap = positions[i] - positions[i - 1];
            if (Long.compareUnsigned(gap, smallest) < 0) {
                smallest = gap;
            }
        }
        return smallest;
    }
}
