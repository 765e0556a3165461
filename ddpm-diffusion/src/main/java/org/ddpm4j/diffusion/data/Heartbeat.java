package org.ddpm4j.diffusion.data;

import java.util.random.RandomGenerator;

/**
 * Sohl-Dickstein et al.'s binary "heartbeat" data (Appendix D.1.2): sequences of 20 bits with a 1 in every 5th bin,
 * the first pulse uniform over the first five bins. There are five such sequences, equally likely, so the true
 * log-likelihood is log₂(1/5) = −2.322 bits per sequence.
 */
public final class Heartbeat {
    public static final int LENGTH = 20;
    public static final int PERIOD = 5;
    /** log₂(1/5): each of the five phases has probability 1/5. */
    public static final double TRUE_LOGLIK_BITS = Math.log(1.0 / PERIOD) / Math.log(2);
    /** Sohl-Dickstein et al.'s bound on it (their Table 1), bits per sequence. */
    public static final double SOHL_DICKSTEIN_BOUND_BITS = -2.414;

    private Heartbeat() {
    }

    /** {@code n} sequences as an unlabelled dataset of shape [20], bits as 0/1. */
    public static Dataset sample(int n, RandomGenerator rng) {
        float[] d = new float[n * LENGTH];
        for (int i = 0; i < n; i++) {
            int phase = rng.nextInt(PERIOD);
            for (int j = phase; j < LENGTH; j += PERIOD) {
                d[i * LENGTH + j] = 1f;
            }
        }
        return new InMemoryDataset(d, new int[] {LENGTH}, null, 0);
    }
}
