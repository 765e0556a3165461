package org.ddpm4j.tensor;

/**
 * The counter-based random numbers behind {@link Backend#dropout}: element {@code i} of a call with seed
 * {@code s} is kept iff {@code uniform(s, i) >= p}. A pure function of (seed, index), so masks do not depend on
 * the backend, the thread count or the order in which elements are visited.
 */
public final class DropoutMask {
    private DropoutMask() {
    }

    /** The counters of consecutive elements differ by this (the golden ratio in 64 bits, SplitMix64's increment). */
    public static final long INCREMENT = 0x9E3779B97F4A7C15L;
    /** Bits of each uniform: a float's significand. */
    public static final int BITS = 24;

    /** The counter of element {@code index}: the next element's is this plus {@link #INCREMENT}. */
    public static long counter(long seed, long index) {
        return seed + (index + 1) * INCREMENT;
    }

    /** The {@value #BITS} random bits of a counter: SplitMix64's finaliser, its top bits. */
    public static long bits(long counter) {
        return Seeds.mix(counter) >>> (Long.SIZE - BITS);
    }

    /**
     * A uniform float in [0, 1) from SplitMix64's finaliser applied to the seed and the index. Masks of two seeds
     * share elements only when the seeds differ by a multiple of the increment, so callers pass seeds from
     * {@link Seeds#derive}, never counters.
     */
    public static float uniform(long seed, long index) {
        return bits(counter(seed, index)) * 0x1.0p-24f;
    }

    /** The mask value of element {@code index}: 0 (dropped) or 1/(1 − p) (kept, inverted-dropout scaling). */
    public static float value(long seed, long index, float p, float keepScale) {
        return uniform(seed, index) >= p ? keepScale : 0f;
    }

    /**
     * The least {@link #bits} value of a kept element: {@code uniform >= p} exactly when {@code bits >= } this,
     * since the uniform is {@code bits·2⁻²⁴}, exact in a float, and p·2²⁴ is exact too. It lets a kernel decide
     * with one integer comparison, without a branch on the random outcome.
     */
    public static long keepThreshold(float p) {
        return (long) Math.ceil((double) p * (1 << BITS));
    }

    public static void checkProbability(float p) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout: probability must be in [0, 1) but was " + p);
        }
    }
}
