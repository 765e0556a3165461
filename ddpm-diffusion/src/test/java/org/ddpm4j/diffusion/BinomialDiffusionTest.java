package org.ddpm4j.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.data.Heartbeat;
import org.ddpm4j.nn.ForwardContext;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Binomial diffusion (Sohl-Dickstein et al. Appendix D.1.2) and its heartbeat data. */
class BinomialDiffusionTest {
    private static final double EXACT = 1e-12;
    /** Central differences of the double loss in a float logit (step 1e-2): curvature error ~1e-5 of O(1) values. */
    private static final double FD_STEP = 1e-2;
    private static final double GRAD_TOLERANCE = 1e-3;

    private final BinomialDiffusion d = new BinomialDiffusion(50);

    @Test
    void kernelsAreNormalisedAndConsistent() {
        for (int t = 1; t < d.steps(); t += 7) {
            assertEquals((d.steps() - t - 1) / (double) d.steps(), d.alphaBar(t), EXACT, "ᾱ_t = (T − t)/T");
            for (int x0 = 0; x0 <= 1; x0++) {
                for (int xt = 0; xt <= 1; xt++) {
                    // q(x_t | x₀) = Σ_{x_{t−1}} q(x_t | x_{t−1}) q(x_{t−1} | x₀), and Bayes for the posterior.
                    double prev1 = d.probOne(x0, t - 1);
                    double step1 = (1 - d.beta(t)) * xt + d.beta(t) / 2, step0 = (1 - d.beta(t)) * (1 - xt) + d.beta(t) / 2;
                    double marginal = step1 * prev1 + step0 * (1 - prev1);
                    double direct = xt == 1 ? d.probOne(x0, t) : 1 - d.probOne(x0, t);
                    assertEquals(direct, marginal, EXACT, "Chapman–Kolmogorov at t " + t);
                    double post = d.posteriorProbOne(x0, xt, t);
                    assertTrue(post >= 0 && post <= 1);
                    assertEquals(step1 * prev1, post * marginal, EXACT, "Bayes at t " + t);
                }
            }
        }
        assertEquals(0, d.alphaBar(d.steps() - 1), EXACT, "x_T is exactly uniform");
    }

    @Test
    void theBoundOfAModelThatKnowsTheDataIsItsLogLikelihood() {
        // Data with one sequence: log p = 0, and the x₀-parameterised reverse step is then q's posterior exactly.
        Dataset one = Heartbeat.sample(1, new SplittableRandom(3));
        Tensor batch = Tensor.zeros(8, Heartbeat.LENGTH), knows = batch.zerosLike();
        for (int i = 0; i < batch.size(); i++) {
            batch.set(i, one.all().get(i % Heartbeat.LENGTH));
            knows.set(i, batch.get(i) > 0 ? 40f : -40f); // x̂₀ logits: the sequence, near certain
        }
        BinomialDiffusion.Bits bits = d.bound(new FreeOutput(knows), batch, null, new SplittableRandom(1));
        assertEquals(0, bits.total(), 1e-9);
        assertEquals(0, bits.prior(), EXACT);
    }

    @Test
    void lossGradientMatchesCentralDifferences() {
        Tensor x0 = Heartbeat.sample(6, new SplittableRandom(2)).all();
        SplittableRandom init = new SplittableRandom(4);
        Tensor logits = x0.zerosLike();
        for (int i = 0; i < logits.size(); i++) {
            logits.set(i, (float) (4 * init.nextDouble() - 2));
        }
        FreeOutput model = new FreeOutput(logits);
        // The seed fixes the drawn timesteps; this one draws t = 0 (the decoder) and t >= 1 terms.
        Tensor analytic = d.loss(model, x0, null, new SplittableRandom(11), ForwardContext.inference())
                .outputGradient().copy();
        for (int i = 0; i < logits.size(); i++) {
            float keep = logits.get(i);
            logits.set(i, (float) (keep + FD_STEP));
            double up = d.loss(model, x0, null, new SplittableRandom(11), ForwardContext.inference()).loss();
            logits.set(i, (float) (keep - FD_STEP));
            double down = d.loss(model, x0, null, new SplittableRandom(11), ForwardContext.inference()).loss();
            logits.set(i, keep);
            double numeric = (up - down) / (2 * FD_STEP);
            assertEquals(numeric, analytic.get(i), GRAD_TOLERANCE * (1 + Math.abs(numeric)), "logit " + i);
        }
    }

    @Test
    void heartbeatDataHasFivePhasesWithAPulseEveryFifthBin() {
        Dataset data = Heartbeat.sample(5000, new SplittableRandom(6));
        int[] phases = new int[Heartbeat.PERIOD];
        float[] d = data.all().toArray();
        for (int i = 0; i < data.size(); i++) {
            int ones = 0, first = -1;
            for (int j = 0; j < Heartbeat.LENGTH; j++) {
                if (d[i * Heartbeat.LENGTH + j] == 1f) {
                    ones++;
                    first = first < 0 ? j : first;
                    assertEquals(first % Heartbeat.PERIOD, j % Heartbeat.PERIOD, "pulses one period apart");
                }
            }
            assertEquals(Heartbeat.LENGTH / Heartbeat.PERIOD, ones);
            phases[first]++;
        }
        for (int count : phases) {
            assertEquals(1000, count, 5 * Math.sqrt(5000 * 0.2 * 0.8), "each phase has probability 1/5");
        }
        assertEquals(-2.3219, Heartbeat.TRUE_LOGLIK_BITS, 1e-4);
    }
}
