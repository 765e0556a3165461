package org.ddpm4j.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ddpm4j.nn.ForwardContext;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** v-prediction (Salimans &amp; Ho 2022) and min-SNR-γ loss weighting (Hang et al. 2023). */
class VelocityAndMinSnrTest {
    private static final Schedule SCHEDULE = Schedules.linear(100, 1e-3, 0.1);
    /** One float rounding of values of order 1. */
    private static final double FLOAT_TOLERANCE = 2e-6;
    /** Central differences of a double loss in a float output (see LearnedVarianceTest). */
    private static final double FD_STEP = 1e-2;
    private static final double GRAD_TOLERANCE = 2e-3;
    private static final double GAMMA = 5;
    /** Timesteps on both sides of SNR = γ: t = 0 and 5 have SNR above 5, t = 60 and 99 below. */
    private static final int[] T = {0, 5, 60, 99};

    private static GaussianDiffusion diffusion(MeanType m, double gamma) {
        return GaussianDiffusion.builder().schedule(SCHEDULE).meanType(m).minSnrGamma(gamma).build();
    }

    @Test
    void theTrueVelocityGivesBackX0() {
        GaussianDiffusion d = diffusion(MeanType.VELOCITY, 0);
        SplittableRandom rng = new SplittableRandom(3);
        float[] x0 = new float[8], xt = new float[8], v = new float[8];
        int[] t = {0, 30, 70, 99};
        for (int i = 0; i < 8; i++) {
            int s = t[i / 2];
            double eps = rng.nextGaussian();
            x0[i] = (float) rng.nextGaussian();
            xt[i] = (float) (SCHEDULE.sqrtAlphaBar(s) * x0[i] + SCHEDULE.sqrtOneMinusAlphaBar(s) * eps);
            v[i] = (float) (SCHEDULE.sqrtAlphaBar(s) * eps - SCHEDULE.sqrtOneMinusAlphaBar(s) * x0[i]);
        }
        ReverseDistribution p = d.newReverse(4, 2);
        d.reverse(new ScalarBackend(), Tensor.of(v, 4, 2), Tensor.of(xt, 4, 2), t, false, p);
        for (int i = 0; i < 8; i++) {
            assertEquals(x0[i], p.predictedX0().get(i), 1e-5 * (1 + Math.abs(x0[i])), "x̂₀[" + i + "]");
        }
    }

    /** The weighted term over the plain one is the weight, whatever the output: min(SNR, γ) over SNR, 1 or SNR + 1. */
    @ParameterizedTest
    @EnumSource(value = MeanType.class, names = {"EPSILON", "X0", "VELOCITY"})
    void minSnrWeightsEachTermByItsClippedSnr(MeanType m) {
        Tensor x0 = randomTensor(4, 9), out = randomTensor(4, 10);
        double[] plain = diffusion(m, 0).loss(new FreeOutput(out), x0, T, null, null, new SplittableRandom(1),
                ForwardContext.inference()).perSample();
        double[] weighted = diffusion(m, GAMMA).loss(new FreeOutput(out), x0, T, null, null, new SplittableRandom(1),
                ForwardContext.inference()).perSample();
        for (int b = 0; b < T.length; b++) {
            double snr = SCHEDULE.alphaBar(T[b]) / (1 - SCHEDULE.alphaBar(T[b])), clipped = Math.min(snr, GAMMA);
            double expected = switch (m) {
                case EPSILON -> clipped / snr;
                case X0 -> clipped;
                case VELOCITY -> clipped / (snr + 1);
                case MEAN -> throw new AssertionError();
            };
            assertEquals(expected, weighted[b] / plain[b], 1e-9 * expected, m + " at t = " + T[b]);
        }
        if (m == MeanType.EPSILON) {
            assertEquals(1.0, weighted[3] / plain[3], 1e-12, "ε at high noise (SNR < γ) keeps weight 1");
            assertTrue(weighted[0] / plain[0] < 0.01, "ε at t = 0 (SNR ≈ 1000) is weighted down");
        }
    }

    @ParameterizedTest
    @EnumSource(value = MeanType.class, names = {"EPSILON", "X0", "VELOCITY"})
    void weightedSimpleLossGradientMatchesCentralDifferences(MeanType m) {
        GaussianDiffusion d = diffusion(m, GAMMA);
        Tensor x0 = randomTensor(4, 11), out = randomTensor(4, 12);
        FreeOutput model = new FreeOutput(out);
        Tensor analytic = d.loss(model, x0, T, null, null, new SplittableRandom(2), ForwardContext.inference())
                .outputGradient().copy();
        for (int i = 0; i < out.size(); i++) {
            float keep = out.get(i);
            out.set(i, (float) (keep + FD_STEP));
            double up = d.loss(model, x0, T, null, null, new SplittableRandom(2), ForwardContext.inference()).loss();
            out.set(i, (float) (keep - FD_STEP));
            double down = d.loss(model, x0, T, null, null, new SplittableRandom(2), ForwardContext.inference()).loss();
            out.set(i, keep);
            double numeric = (up - down) / (2 * FD_STEP);
            assertEquals(numeric, analytic.get(i), GRAD_TOLERANCE * (1 + Math.abs(numeric)), m + " output " + i);
        }
    }

    @Test
    void minSnrIsRefusedWhereItHasNoMeaning() {
        var vlb = assertThrows(IllegalArgumentException.class, () -> GaussianDiffusion.builder()
                .lossType(LossType.VLB).minSnrGamma(5).build());
        assertTrue(vlb.getMessage().contains("VLB"), vlb.getMessage());
        var mean = assertThrows(IllegalArgumentException.class, () -> GaussianDiffusion.builder()
                .meanType(MeanType.MEAN).minSnrGamma(5).build());
        assertTrue(mean.getMessage().contains("μ̃"), mean.getMessage());
        var negative = assertThrows(IllegalArgumentException.class, () -> GaussianDiffusion.builder().minSnrGamma(-1));
        assertTrue(negative.getMessage().contains("-1"), negative.getMessage());
    }

    @Test
    void velocityAndGammaSurviveTheCheckpointMetadata() {
        GaussianDiffusion d = diffusion(MeanType.VELOCITY, GAMMA);
        GaussianDiffusion back = DiffusionMetadata.gaussian(DiffusionMetadata.describe(d));
        assertEquals(MeanType.VELOCITY, back.meanType());
        assertEquals(GAMMA, back.minSnrGamma());
        assertEquals(0.0, DiffusionMetadata.gaussian(DiffusionMetadata.describe(diffusion(MeanType.EPSILON, 0)))
                .minSnrGamma());
    }

    private static Tensor randomTensor(int batch, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[batch * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Tensor.of(v, batch, 3);
    }
}
