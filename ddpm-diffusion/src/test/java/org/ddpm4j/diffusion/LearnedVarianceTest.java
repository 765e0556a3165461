package org.ddpm4j.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.nn.ForwardContext;
import org.ddpm4j.diffusion.sample.Sampler;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The learned variance (Nichol &amp; Dhariwal Eq. 15) and the losses' gradients with respect to the network's output. */
class LearnedVarianceTest {
    /** Central differences of a double loss in a float output: h = 1e-2 on O(1) values leaves ~1e-4 of curvature error. */
    private static final double FD_STEP = 1e-2;
    private static final double GRAD_TOLERANCE = 2e-3;

    private static GaussianDiffusion diffusion(VarianceType v, LossType l, DataKind kind, MeanType m) {
        return GaussianDiffusion.builder().schedule(Schedules.linear(20, 1e-3, 0.2)).varianceType(v).lossType(l)
                .dataKind(kind).meanType(m).build();
    }

    @ParameterizedTest
    @CsvSource({
            "LEARNED_RANGE, VLB, CONTINUOUS, EPSILON", "LEARNED_RANGE, VLB, IMAGES_8BIT, EPSILON",
            "LEARNED_RANGE, HYBRID, IMAGES_8BIT, EPSILON", "LEARNED_RANGE, VLB, CONTINUOUS, X0",
            "LEARNED_RANGE, HYBRID, CONTINUOUS, MEAN", "FIXED_SMALL, VLB, IMAGES_8BIT, EPSILON",
            "FIXED_LARGE, HYBRID, CONTINUOUS, EPSILON", "LEARNED_RANGE, VLB, IMAGES_8BIT, VELOCITY",
            "LEARNED_RANGE, HYBRID, CONTINUOUS, VELOCITY"})
    void lossGradientMatchesCentralDifferences(VarianceType v, LossType l, DataKind kind, MeanType m) {
        GaussianDiffusion d = diffusion(v, l, kind, m);
        int factor = v == VarianceType.LEARNED_RANGE ? 2 : 1;
        SplittableRandom init = new SplittableRandom(5);
        Tensor x0 = Tensor.zeros(3, 2, 2, 1);
        for (int i = 0; i < x0.size(); i++) {
            // Pixels on the 8-bit grid, including both edges, so every branch of the decoder is used.
            x0.set(i, kind == DataKind.IMAGES_8BIT ? (init.nextInt(256) / 127.5f - 1) : (float) init.nextGaussian());
        }
        x0.set(0, -1f);
        x0.set(1, 1f);
        Tensor out = Tensor.zeros(3, 2 * factor, 2, 1);
        for (int i = 0; i < out.size(); i++) {
            out.set(i, (float) (0.8 * init.nextDouble() - 0.4));
        }
        int[] t = {0, 1, 13};
        FreeOutput model = new FreeOutput(out);
        Tensor analytic = d.loss(model, x0, t, null, null, new SplittableRandom(9), ForwardContext.inference())
                .outputGradient().copy();
        boolean hybrid = l == LossType.HYBRID;
        for (int i = 0; i < out.size(); i++) {
            float keep = out.get(i);
            out.set(i, (float) (keep + FD_STEP));
            double up = d.loss(model, x0, t, null, null, new SplittableRandom(9), ForwardContext.inference()).loss();
            out.set(i, (float) (keep - FD_STEP));
            double down = d.loss(model, x0, t, null, null, new SplittableRandom(9), ForwardContext.inference()).loss();
            out.set(i, keep);
            double numeric = (up - down) / (2 * FD_STEP);
            boolean meanElement = factor == 1 || (i / (x0.size() / 3)) % 2 == 0;
            if (hybrid && meanElement) {
                // The hybrid's bound term is stopped at the mean: its gradient there is L_simple's alone.
                continue;
            }
            assertEquals(numeric, analytic.get(i), GRAD_TOLERANCE * (1 + Math.abs(numeric)), "output element " + i);
        }
    }

    @ParameterizedTest
    @CsvSource({"-1, -0.99, -7", "1, 0.985, -8", "0.2, 0.203, -9", "0.2, 0.19, -6", "-0.5, -0.4, -4", "1, 0.7, -2"})
    void decoderDerivativesMatchCentralDifferences(double x, double m, double logVariance) {
        double[] at = new double[3], up = new double[3], down = new double[3];
        GaussianMath.discretizedNll(x, m, logVariance, at);
        double h = 1e-6;
        GaussianMath.discretizedNll(x, m + h, logVariance, up);
        GaussianMath.discretizedNll(x, m - h, logVariance, down);
        assertEquals((up[0] - down[0]) / (2 * h), at[1], 1e-5 * (1 + Math.abs(at[1])), "∂/∂mean");
        GaussianMath.discretizedNll(x, m, logVariance + h, up);
        GaussianMath.discretizedNll(x, m, logVariance - h, down);
        assertEquals((up[0] - down[0]) / (2 * h), at[2], 1e-5 * (1 + Math.abs(at[2])), "∂/∂log σ²");
    }

    @Test
    void varianceInterpolatesBetweenPosteriorAndForwardVariance() {
        GaussianDiffusion d = diffusion(VarianceType.LEARNED_RANGE, LossType.VLB, DataKind.CONTINUOUS, MeanType.EPSILON);
        Schedule s = d.schedule();
        Tensor xt = Tensor.zeros(3, 1), out = Tensor.of(new float[] {0, -1, 0, 1, 0, 0}, 3, 2);
        ReverseDistribution p = d.newReverse(3, 1);
        int[] t = {5, 5, 5};
        d.reverse(new ScalarBackend(), out, xt, t, false, p);
        assertEquals(s.posteriorLogVarianceClipped(5), p.logVariance().get(0), 1e-6, "v = −1: log β̃");
        assertEquals(Math.log(s.beta(5)), p.logVariance().get(1), 1e-6, "v = 1: log β");
        assertEquals(0.5 * (Math.log(s.beta(5)) + s.posteriorLogVarianceClipped(5)), p.logVariance().get(2), 1e-6);
    }

    /** The exact ε of standard-normal data, with every variance output set to {@code v}. */
    private static Denoiser standardNormalWithVariance(Schedule s, float v) {
        Denoiser eps = OracleModels.standardNormalData(s);
        return new FreeOutput(Tensor.zeros(1)) {
            @Override
            public Tensor forward(Tensor x, int[] t, int[] labels, ForwardContext ctx) {
                Tensor e = eps.forward(x, t, labels, ctx), out = Tensor.zeros(x.dim(0), 2 * x.dim(1));
                for (int b = 0; b < x.dim(0); b++) {
                    for (int j = 0; j < x.dim(1); j++) {
                        out.set(b * 2 * x.dim(1) + j, e.get(b * x.dim(1) + j));
                        out.set(b * 2 * x.dim(1) + x.dim(1) + j, v);
                    }
                }
                return out;
            }
        };
    }

    @ParameterizedTest
    @CsvSource({"-1, FIXED_SMALL, 40", "1, FIXED_LARGE, 40", "-1, FIXED_SMALL, 7", "1, FIXED_LARGE, 7"})
    void learnedVarianceAtItsEndsSamplesAsTheFixedVariances(float v, VarianceType fixed, int steps) {
        Schedule s = Schedules.linear(40, 1e-3, 0.3);
        GaussianDiffusion learned = GaussianDiffusion.builder().schedule(s).varianceType(VarianceType.LEARNED_RANGE)
                .lossType(LossType.VLB).build();
        GaussianDiffusion fixedDiffusion = GaussianDiffusion.builder().schedule(s).varianceType(fixed)
                .build();
        Tensor a = new Sampler(learned).respaced(steps).sample(standardNormalWithVariance(s, v), new int[] {16, 3},
                new SplittableRandom(4));
        Tensor b = new Sampler(fixedDiffusion).respaced(steps).sample(OracleModels.standardNormalData(s),
                new int[] {16, 3}, new SplittableRandom(4));
        for (int i = 0; i < a.size(); i++) {
            assertEquals(b.get(i), a.get(i), 1e-5, "sample element " + i);
        }
    }

    @Test
    void outputWithoutTheVarianceChannelsIsRejected() {
        GaussianDiffusion d = diffusion(VarianceType.LEARNED_RANGE, LossType.VLB, DataKind.CONTINUOUS, MeanType.EPSILON);
        var e = assertThrows(IllegalArgumentException.class,
                () -> d.reverse(new ScalarBackend(), Tensor.zeros(3, 2), Tensor.zeros(3, 2), new int[] {1, 1, 1}, false, d.newReverse(3, 2)));
        assertTrue(e.getMessage().contains("[3, 2]") && e.getMessage().contains("learned variance"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GaussianDiffusion.builder()
                .varianceType(VarianceType.LEARNED_RANGE).lossType(LossType.SIMPLE).build());
    }
}
