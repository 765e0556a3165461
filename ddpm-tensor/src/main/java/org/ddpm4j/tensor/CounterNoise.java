package org.ddpm4j.tensor;

/**
 * The counter-based standard normal numbers behind {@link Backend#gaussianNoise}: element {@code i} of a call with
 * seed {@code s} is a pure function of (s, i), so the noise does not depend on the backend, the thread count or the
 * order in which elements are visited, and a device backend draws it where the tensor lives.
 *
 * <p>One SplitMix64 hash of (seed, index) gives two 24-bit uniforms, u₁ ∈ (0, 1] and u₂ ∈ [0, 1), and Box–Muller
 * gives √(−2 ln u₁)·cos(2π u₂). The 24-bit u₁ bounds |value| by √(48 ln 2) ≈ 5.77: the normal puts 8·10⁻⁹ of its
 * mass beyond that. Computed in float, the arithmetic a device kernel does too, so backends agree to a few ulp.
 */
public final class CounterNoise {
    private static final float TWO_PI = (float) (2 * Math.PI);

    private CounterNoise() {
    }

    /** The standard normal value of element {@code index} for {@code seed}. */
    public static float gaussian(long seed, long index) {
        long z = Seeds.mix(seed + (index + 1) * 0x9E3779B97F4A7C15L);
        float u1 = ((z >>> 40) + 1) * 0x1.0p-24f;
        float u2 = ((z >>> 16) & 0xFFFFFF) * 0x1.0p-24f;
        return (float) Math.sqrt(-2f * (float) Math.log(u1)) * (float) Math.cos(TWO_PI * u2);
    }
}
