package org.ddpm4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The integer form of the keep decision that kernels use ({@link DropoutMask#bits} against
 * {@link DropoutMask#keepThreshold}) is the definition {@code uniform >= p}, at every p, including p equal to a drawn
 * uniform and the floats either side of it, where a threshold off by one would flip the element.
 */
class DropoutMaskTest {
    private static final long[] SEEDS = {0L, 42L, -7L, Seeds.derive(99L, 3L)};
    private static final int ELEMENTS = 20_000;

    @Test
    void theThresholdKeepsExactlyTheElementsWhoseUniformReachesP() {
        float[] fixed = {0f, Float.MIN_VALUE, 0x1.0p-24f, 0.1f, 0.5f, 0.9f, Math.nextDown(1f)};
        for (long seed : SEEDS) {
            for (int i = 0; i < ELEMENTS; i++) {
                float u = DropoutMask.uniform(seed, i);
                for (float p : new float[] {u, Math.nextUp(u), Math.nextDown(Math.max(u, Float.MIN_VALUE))}) {
                    assertDecisionsAgree(seed, i, p);
                }
                assertDecisionsAgree(seed, i, fixed[i % fixed.length]);
            }
        }
    }

    @Test
    void consecutiveCountersDifferByTheIncrement() {
        for (long seed : SEEDS) {
            for (long i : new long[] {0, 1, 1L << 31, (1L << 40) + 3}) {
                assertEquals(DropoutMask.counter(seed, i + 1), DropoutMask.counter(seed, i) + DropoutMask.INCREMENT);
                assertEquals(DropoutMask.uniform(seed, i), DropoutMask.bits(DropoutMask.counter(seed, i)) * 0x1.0p-24f);
            }
        }
    }

    private static void assertDecisionsAgree(long seed, int i, float p) {
        boolean byDefinition = DropoutMask.uniform(seed, i) >= p;
        boolean byThreshold = DropoutMask.bits(DropoutMask.counter(seed, i)) >= DropoutMask.keepThreshold(p);
        assertEquals(byDefinition, byThreshold, "seed " + seed + ", element " + i + ", p " + p);
    }
}
