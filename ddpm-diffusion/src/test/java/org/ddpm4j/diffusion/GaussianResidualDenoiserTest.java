package org.ddpm4j.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ddpm4j.nn.ForwardContext;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The skip k_t·x_t of {@link GaussianResidualDenoiser}: its coefficients, where it goes, what passes through. */
class GaussianResidualDenoiserTest {
    private static final int PAIRS = 400_000;
    /** The least-squares slope from PAIRS draws has a standard error below 1/√PAIRS ≈ 0.0016; five of them. */
    private static final double SLOPE_TOLERANCE = 0.008;
    /** One float rounding of values of order 1. */
    private static final double FLOAT_TOLERANCE = 1e-6;

    private static GaussianDiffusion diffusion(MeanType m, VarianceType v) {
        return GaussianDiffusion.builder().schedule(Schedules.linear(40, 1e-3, 0.2)).meanType(m).varianceType(v)
                .lossType(v == VarianceType.LEARNED_RANGE ? LossType.VLB : LossType.SIMPLE)
                .build();
    }

    /**
     * For Gaussian data the best prediction of ε, x₀ or μ̃ from x_t is linear, so k_t must be the least-squares slope
     * of the target on x_t over draws of Eq. 4, whatever the data variance.
     */
    @ParameterizedTest
    @CsvSource({"EPSILON, 1.0", "EPSILON, 0.25", "X0, 1.0", "X0, 0.25", "MEAN, 1.0", "MEAN, 4.0", "VELOCITY, 1.0",
            "VELOCITY, 0.25"})
    void coefficientIsTheRegressionSlopeOfTheTargetOnXt(MeanType meanType, double dataVariance) {
        Schedule s = Schedules.linear(40, 1e-3, 0.2);
        double[] k = GaussianResidualDenoiser.coefficients(s, meanType, dataVariance);
        SplittableRandom rng = new SplittableRandom(11);
        for (int t : new int[] {0, 5, 20, 39}) {
            double sxy = 0, sxx = 0, sd = Math.sqrt(dataVariance);
            for (int i = 0; i < PAIRS; i++) {
                double x0 = sd * rng.nextGaussian(), eps = rng.nextGaussian();
                double xt = s.sqrtAlphaBar(t) * x0 + s.sqrtOneMinusAlphaBar(t) * eps;
                double target = switch (meanType) {
                    case EPSILON -> eps;
                    case X0 -> x0;
                    case MEAN -> s.posteriorMeanCoefX0(t) * x0 + s.posteriorMeanCoefXt(t) * xt; // Eq. 7
                    case VELOCITY -> s.sqrtAlphaBar(t) * eps - s.sqrtOneMinusAlphaBar(t) * x0;
                };
                sxy += target * xt;
                sxx += xt * xt;
            }
            assertEquals(sxy / sxx, k[t], SLOPE_TOLERANCE, meanType + ", s² = " + dataVariance + ", t = " + t);
        }
    }

    @Test
    void aZeroNetworkPredictsTheNoiseOfStandardNormalDataExactly() {
        GaussianDiffusion d = diffusion(MeanType.EPSILON, VarianceType.FIXED_LARGE);
        Tensor x = randomTensor(new SplittableRandom(3), 6, 3);
        int[] t = {0, 3, 10, 20, 30, 39};
        Tensor got = new GaussianResidualDenoiser(new FreeOutput(x.zerosLike()), d, 1.0)
                .forward(x, t, null, ForwardContext.inference());
        Tensor oracle = OracleModels.standardNormalData(d.schedule()).forward(x, t, null, ForwardContext.inference());
        assertArrayEquals(oracle.toArray(), got.toArray(), (float) FLOAT_TOLERANCE);
    }

    /** Images with a learned variance: [B, 2C, H, W]; the skip goes to the first C channels of every sample only. */
    @Test
    void addsTheSkipToTheMeanChannelsOnlyAndPassesTheGradientThrough() {
        GaussianDiffusion d = diffusion(MeanType.EPSILON, VarianceType.LEARNED_RANGE);
        SplittableRandom rng = new SplittableRandom(4);
        Tensor x = randomTensor(rng, 2, 3, 2, 2), raw = randomTensor(rng, 2, 6, 2, 2);
        int[] t = {7, 33};
        FreeOutput network = new FreeOutput(raw);
        GaussianResidualDenoiser model = new GaussianResidualDenoiser(network, d, 1.0);
        Tensor out = model.forward(x, t, null, ForwardContext.inference());
        double[] k = GaussianResidualDenoiser.coefficients(d.schedule(), MeanType.EPSILON, 1.0);
        for (int b = 0; b < 2; b++) {
            for (int i = 0; i < 24; i++) {
                double expected = raw.get(b * 24 + i) + (i < 12 ? k[t[b]] * x.get(b * 12 + i) : 0);
                assertEquals(expected, out.get(b * 24 + i), FLOAT_TOLERANCE, "sample " + b + ", value " + i);
            }
        }
        assertTrue(k[33] > 0.5, "the skip must be large at high noise for this test to see it: " + k[33]);
        Tensor grad = randomTensor(rng, 2, 6, 2, 2);
        model.backward(grad);
        assertArrayEquals(grad.toArray(), network.grad.toArray());
    }

    @Test
    void badInputNamesWhatWasWrong() {
        GaussianDiffusion learned = diffusion(MeanType.EPSILON, VarianceType.LEARNED_RANGE);
        Tensor x = Tensor.zeros(2, 2);
        var halfOutput = new GaussianResidualDenoiser(new FreeOutput(Tensor.zeros(2, 2)), learned, 1.0);
        var shape = assertThrows(IllegalArgumentException.class,
                () -> halfOutput.forward(x, new int[] {0, 1}, null, ForwardContext.inference()));
        assertTrue(shape.getMessage().contains("[2, 2]") && shape.getMessage().contains("learned variance"),
                shape.getMessage());
        var fits = new GaussianResidualDenoiser(new FreeOutput(Tensor.zeros(2, 4)), learned, 1.0);
        var step = assertThrows(IllegalArgumentException.class,
                () -> fits.forward(x, new int[] {0, 40}, null, ForwardContext.inference()));
        assertTrue(step.getMessage().contains("timestep 40 at index 1"), step.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new GaussianResidualDenoiser(new FreeOutput(Tensor.zeros(2, 4)), learned, 0));
    }

    private static Tensor randomTensor(SplittableRandom rng, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.set(i, (float) rng.nextGaussian());
        }
        return t;
    }
}
