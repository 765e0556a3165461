package org.ddpm4j.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ScheduleAndForwardProcessTest {
    private static final org.ddpm4j.tensor.Backend SCALAR = new org.ddpm4j.tensor.ScalarBackend();
    /** Sample moments from {@value #SAMPLES} draws: 5 standard errors of a mean of unit-variance values. */
    private static final int SAMPLES = 200_000;
    private static final double MOMENT_TOL = 5 / Math.sqrt(SAMPLES);

    @Test
    void linearScheduleTablesMatchClosedForms() {
        Schedule s = Schedules.linear(1000, 1e-4, 0.02);
        assertEquals(1000, s.steps());
        assertEquals(1e-4, s.beta(0), 1e-15);
        assertEquals(0.02, s.beta(999), 1e-15);
        double prod = 1;
        for (int t = 0; t < 1000; t++) {
            assertEquals(prod, s.alphaBarPrev(t), 1e-15);
            prod *= 1 - s.beta(t);
            assertEquals(prod, s.alphaBar(t), 1e-15);
            double postVar = s.beta(t) * (1 - s.alphaBarPrev(t)) / (1 - s.alphaBar(t));
            assertEquals(postVar, s.posteriorVariance(t), 1e-18);
        }
        assertEquals(0, s.posteriorVariance(0), 0);
        assertEquals(Math.log(s.posteriorVariance(1)), s.posteriorLogVarianceClipped(0), 1e-12);
        assertEquals(4.035e-5, s.alphaBar(999), 1e-7); // DDPM: ᾱ_T ≈ 4e-5, the prior term is negligible
    }

    @Test
    void respacedChainKeepsTheCumulativeProductsOfTheKeptSteps() {
        Schedule s = Schedules.linear(50, 1e-4, 0.05);
        int[] kept = {0, 3, 4, 20, 49};
        Schedule r = s.respaced(kept);
        for (int k = 0; k < kept.length; k++) {
            assertEquals(s.alphaBar(kept[k]), r.alphaBar(k), 1e-12, "ᾱ at kept step " + kept[k]);
        }
        Schedule all = s.respaced(java.util.stream.IntStream.range(0, 50).toArray());
        for (int t = 0; t < 50; t++) {
            assertEquals(s.beta(t), all.beta(t), 1e-12, "keeping every step is the same chain");
        }
        assertThrows(IllegalArgumentException.class, () -> s.respaced(new int[] {3, 3}));
        assertThrows(IllegalArgumentException.class, () -> s.respaced(new int[] {0, 50}));
    }

    @Test
    void hoAndSalimansScheduleRunsTheLogSnrFromMaxToMinAlongTheirCurve() {
        Schedule s = Schedules.cosineLogSnr(256, -20, 20);
        double b = Math.atan(Math.exp(-10)), a = Math.atan(Math.exp(10)) - b;
        for (int t : new int[] {0, 17, 128, 255}) {
            double lambda = Math.log(s.alphaBar(t) / (1 - s.alphaBar(t)));
            assertEquals(-2 * Math.log(Math.tan(a * (t + 1) / 256.0 + b)), lambda, 1e-6 * (1 + Math.abs(lambda)), "λ at " + t);
        }
        assertEquals(-20, Math.log(s.alphaBar(255) / (1 - s.alphaBar(255))), 1e-6, "ends at λ_min");
        Schedule fine = Schedules.cosineLogSnr(10_000, -20, 20); // the training grid: u within 1e-4
        for (int t : new int[] {0, 4999, 9999}) {
            double lambda = Math.log(fine.alphaBar(t) / (1 - fine.alphaBar(t)));
            assertEquals(-2 * Math.log(Math.tan(a * (t + 1) / 10_000.0 + b)), lambda, 1e-6 * (1 + Math.abs(lambda)));
        }
        GaussianDiffusion d = GaussianDiffusion.builder().schedule(s).varianceType(VarianceType.INTERPOLATED)
                .varianceInterpolation(0.3).build();
        assertEquals(0.3 * Math.log(s.beta(100)) + 0.7 * s.posteriorLogVarianceClipped(100), d.modelLogVariance(100), 1e-12,
                "(σ̃²)^{1−v}(σ²)^v");
        assertThrows(IllegalArgumentException.class, () -> GaussianDiffusion.builder().varianceInterpolation(1.5));
    }

    @Test
    void otherSchedulesHaveTheirDefiningProperties() {
        Schedule q = Schedules.quadratic(10, 1e-4, 0.04);
        assertEquals(Math.sqrt(1e-4) + (0.2 - 0.01) * 3 / 9, Math.sqrt(q.beta(3)), 1e-12);
        Schedule cos = Schedules.cosine(1000);
        // ᾱ_t follows cos²((t/T + s)/(1 + s)·π/2) normalised at t = 0, until β hits its 0.999 clip at the end.
        double f0 = Math.pow(Math.cos(0.008 / 1.008 * Math.PI / 2), 2);
        double f500 = Math.pow(Math.cos((500.0 / 1000 + 0.008) / 1.008 * Math.PI / 2), 2);
        assertEquals(f500 / f0, cos.alphaBar(499), 1e-9);
        Schedule snr = Schedules.logSnrLinear(50, 6, -8);
        assertEquals(6, Math.log(snr.alphaBar(0) / (1 - snr.alphaBar(0))), 1e-9);
        assertEquals(-8, Math.log(snr.alphaBar(49) / (1 - snr.alphaBar(49))), 1e-9);
        assertEquals(0.02, Schedules.constant(5, 0.02).beta(4), 0);
        assertThrows(IllegalArgumentException.class, () -> new Schedule("bad", new double[] {0.1, 1.0}));
    }

    @Test
    void forwardSamplingHasTheMomentsOfEq4() {
        Schedule s = Schedules.linear(1000, 1e-4, 0.02);
        ForwardProcess q = new ForwardProcess(s);
        int t = 300;
        Tensor x0 = Tensor.zeros(SAMPLES, 1).fill(0.7f), noise = x0.zerosLike(), xt = x0.zerosLike();
        ForwardProcess.gaussian(SCALAR, noise, new SplittableRandom(1));
        int[] ts = new int[SAMPLES];
        java.util.Arrays.fill(ts, t);
        q.sample(SCALAR, x0, ts, noise, xt);
        double mean = 0, sq = 0;
        for (float v : xt.toArray()) {
            mean += v;
            sq += (double) v * v;
        }
        mean /= SAMPLES;
        double var = sq / SAMPLES - mean * mean;
        assertEquals(0.7 * Math.sqrt(s.alphaBar(t)), mean, MOMENT_TOL);
        assertEquals(1 - s.alphaBar(t), var, 2 * MOMENT_TOL);
        // x̂₀ from the true ε recovers x₀ (Eq. 15).
        Tensor x0hat = x0.zerosLike();
        q.predictX0FromEps(SCALAR, xt, ts, noise, x0hat);
        assertEquals(0.7f, x0hat.get(123), 1e-4f);
    }

    @Test
    void posteriorMatchesTheProductOfTheTwoGaussians() {
        // q(x_{t−1}|x_t,x₀) ∝ N(x_t; √α_t·x_{t−1}, β_t)·N(x_{t−1}; √ᾱ_{t−1}·x₀, 1 − ᾱ_{t−1}), completed square by hand.
        Schedule s = Schedules.linear(1000, 1e-4, 0.02);
        ForwardProcess q = new ForwardProcess(s);
        for (int t : new int[] {1, 10, 500, 999}) {
            double x0 = 0.3, xt = -1.1;
            double precision = s.alpha(t) / s.beta(t) + 1 / (1 - s.alphaBarPrev(t));
            double mean = (Math.sqrt(s.alpha(t)) * xt / s.beta(t) + Math.sqrt(s.alphaBarPrev(t)) * x0 / (1 - s.alphaBarPrev(t)))
                    / precision;
            assertEquals(1 / precision, s.posteriorVariance(t), 1e-12 / precision);
            Tensor out = Tensor.zeros(1, 1);
            q.posteriorMean(SCALAR, Tensor.of(new float[] {(float) x0}, 1, 1), Tensor.of(new float[] {(float) xt}, 1, 1),
                    new int[] {t}, out);
            assertEquals(mean, out.get(0), 1e-6);
        }
    }
}
