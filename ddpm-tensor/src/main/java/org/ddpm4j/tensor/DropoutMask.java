package org.ddpm4j.tensor;

/**
 * The counter-based random numbers behind {@link Backend#dropout}: element {@code i} of a call with seed
 * {@code s} is kept iff {@code uniform(s, i) >= p}. A pure function of (seed, index), so masks do not depend on
 * the backend, the thread count or the order in which elements are visited.
 */
public final class DropoutMask {
    private DropoutMask() {
    }

    /**
     * A uniform float in [0, 1) from SplitMix64's finaliser applied to the seed and the index. Masks of two seeds
     * share elements only when the seeds differ by a multiple of the increment, so callers pass seeds from
     * {@link Seeds#derive}, never counters.
     */
    public static float uniform(long seed, long index) {
        return (Seeds.mix(seed + (index + 1) * 0x9E3779B97F4A7C15L) >>> 40) * 0x1.0p-24f;
    }

    /** The mask value of element {@code index}: 0 (dropped) or 1/(1 − p) (kept, inverted-dropout scaling). */
    public static float value(long seed, long index, float p, float keepScale) {
        return uniform(seed, index) >= p ? keepScale : 0f;
    }

    public static void checkProbability(float p) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout: probability must be in [0, 1) but was " + p);
        }
    }
}
