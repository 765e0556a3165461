package org.ddpm4j.diffusion.train;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Importance sampling of the timestep for training on the variational bound (Nichol &amp; Dhariwal 2021, §3.3):
 * {@code L_vlb = E_{t∼p}[L_t/p_t]} with {@code p_t ∝ √E[L_t²]} over the last {@value #HISTORY} values of each term.
 * The bound's terms differ by orders of magnitude across t, so uniform t makes its gradient very noisy; sampling the
 * large terms more often, and weighting them down by {@code 1/(T·p_t)}, keeps the estimate unbiased with less noise.
 * Until every term has {@value #HISTORY} values t is uniform; after that {@value #UNIFORM_SHARE} of the mass stays
 * uniform so that no term stops being measured.
 */
public final class LossAwareTimesteps {
    /** Values kept per term. */
    static final int HISTORY = 10;
    /** Share of the probability spread uniformly over all t. */
    static final double UNIFORM_SHARE = 0.001;

    private final int steps;
    private final double[] history;
    private final long[] counts;

    /** A sampler over t = 0 … steps − 1 with an empty history (uniform until it fills). */
    public LossAwareTimesteps(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("LossAwareTimesteps: steps must be >= 1 but was " + steps);
        }
        this.steps = steps;
        this.history = new double[steps * HISTORY];
        this.counts = new long[steps];
    }

    /** True once every term has {@value #HISTORY} recorded values (before that, t is uniform). */
    public boolean warmedUp() {
        return Arrays.stream(counts).allMatch(c -> c >= HISTORY);
    }

    /** The current sampling probability of every t. */
    public double[] probabilities() {
        double[] p = new double[steps];
        if (!warmedUp()) {
            Arrays.fill(p, 1.0 / steps);
            return p;
        }
        double sum = 0;
        for (int t = 0; t < steps; t++) {
            double sq = 0;
            for (int k = 0; k < HISTORY; k++) {
                double v = history[t * HISTORY + k];
                sq += v * v;
            }
            p[t] = Math.sqrt(sq / HISTORY);
            sum += p[t];
        }
        for (int t = 0; t < steps; t++) {
            p[t] = (sum > 0 ? p[t] / sum : 1.0 / steps) * (1 - UNIFORM_SHARE) + UNIFORM_SHARE / steps;
        }
        return p;
    }

    /** Draws one t per slot of {@code t} and writes its weight {@code 1/(T·p_t)} to {@code weights}. */
    public void draw(RandomGenerator rng, int[] t, double[] weights) {
        double[] p = probabilities();
        double[] cumulative = new double[steps];
        double run = 0;
        for (int i = 0; i < steps; i++) {
            run += p[i];
            cumulative[i] = run;
        }
        for (int i = 0; i < t.length; i++) {
            int k = Arrays.binarySearch(cumulative, rng.nextDouble() * run);
            int chosen = Math.min(k >= 0 ? k : -k - 1, steps - 1);
            t[i] = chosen;
            weights[i] = 1.0 / (steps * p[chosen]);
        }
    }

    /** Records the (unweighted) loss of each sampled term. */
    public void record(int[] t, double[] losses) {
        for (int i = 0; i < t.length; i++) {
            history[t[i] * HISTORY + (int) (counts[t[i]] % HISTORY)] = losses[i];
            counts[t[i]]++;
        }
    }

    /** The history as text, for checkpoints: per t its count and its {@value #HISTORY} values. */
    String encode() {
        StringBuilder sb = new StringBuilder();
        for (int t = 0; t < steps; t++) {
            sb.append(t == 0 ? "" : ";").append(counts[t]);
            for (int k = 0; k < HISTORY; k++) {
                sb.append(',').append(history[t * HISTORY + k]);
            }
        }
        return sb.toString();
    }

    /** Restores what {@link #encode} wrote. */
    void decode(String text) {
        String[] terms = text.split(";");
        if (terms.length != steps) {
            throw new IllegalArgumentException("timestep loss history has " + terms.length + " terms, not " + steps);
        }
        for (int t = 0; t < steps; t++) {
            String[] parts = terms[t].split(",");
            if (parts.length != HISTORY + 1) {
                throw new IllegalArgumentException("timestep loss history: term " + t + " has " + (parts.length - 1)
                        + " values, not " + HISTORY);
            }
            counts[t] = Long.parseLong(parts[0]);
            for (int k = 0; k < HISTORY; k++) {
                history[t * HISTORY + k] = Double.parseDouble(parts[k + 1]);
            }
        }
    }
}
