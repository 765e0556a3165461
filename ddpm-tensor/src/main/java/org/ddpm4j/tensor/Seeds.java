package org.ddpm4j.tensor;

/**
 * Seeds derived from a seed and a counter (a training step, a layer's name), so that the random streams of
 * different (seed, counter) pairs are statistically independent.
 *
 * <p>Why not {@code seed ^ (counter * γ)} or {@code seed + counter}: a {@link java.util.SplittableRandom} seeded
 * with s draws mix(s + γ), mix(s + 2γ), … with γ its golden gamma, so generators whose seeds differ by a small
 * multiple of γ (or by a few units, when γ is odd and the draws are bounded) produce shifted copies of one stream.
 * Counter-derived seeds that are not passed through a strong mixing function hit that pattern: step k + 1 of a
 * trainer drew step k's batch shifted by one. Here both the seed and the counter go through SplitMix64's
 * finaliser (Steele, Lea &amp; Flood 2014), whose outputs are spread over all 64 bits, so two derived seeds land a
 * small multiple of γ apart only with probability of order (draws)²/2⁶⁴.
 */
public final class Seeds {
    /** SplitMix64's increment, the odd integer closest to 2⁶⁴/φ. */
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private Seeds() {
    }

    /** The seed for {@code counter} in the family of {@code seed}: a pure function, so a resumed run repeats it. */
    public static long derive(long seed, long counter) {
        return mix(mix(seed) + mix(counter + GOLDEN_GAMMA));
    }

    /** SplitMix64's finaliser: a bijection of the 64-bit integers in which every input bit affects every output bit. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
