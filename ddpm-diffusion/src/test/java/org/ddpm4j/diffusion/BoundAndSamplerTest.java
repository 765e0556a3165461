package org.ddpm4j.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ddpm4j.diffusion.sample.Sampler;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class BoundAndSamplerTest {

    @Test
    void boundOfTheTrueNoiseModelIsTheDecoderPlusThePrior() {
        // With the true ε every posterior mean is exact: with σ² = β̃ every KL term vanishes, and since μ̃ at the first
        // step is x₀ itself, L₀ is the Gaussian entropy term 0.5·log(2π·σ₀²) per dimension.
        Schedule s = Schedules.linear(50, 1e-3, 0.2);
        GaussianDiffusion d = GaussianDiffusion.builder().schedule(s).varianceType(VarianceType.FIXED_SMALL)
                .dataKind(DataKind.CONTINUOUS).build();
        Tensor x0 = Tensor.zeros(64, 2);
        ForwardProcess.gaussian(new ScalarBackend(), x0, new SplittableRandom(3));
        Bound b = d.bound(OracleModels.trueNoise(s, x0), x0, null, new SplittableRandom(4));
        for (int t = 1; t < s.steps(); t++) {
            assertEquals(0, b.terms()[t], 1e-4, "KL term " + t);
        }
        double l0 = 2 * 0.5 * (Math.log(2 * Math.PI) + d.modelLogVariance(0)) / Math.log(2);
        assertEquals(l0, b.terms()[0], 1e-3);
        double prior = 0;
        double[] priorOfExample = new double[64];
        int last = s.steps() - 1;
        float[] x = x0.toArray();
        for (int i = 0; i < x.length; i++) {
            double m = s.sqrtAlphaBar(last) * x[i], var = 1 - s.alphaBar(last);
            double kl = 0.5 * (-1 - Math.log(var) + var + m * m);
            prior += kl;
            priorOfExample[i / 2] += kl / Math.log(2);
        }
        assertEquals(prior / 64 / Math.log(2), b.prior(), 1e-9);
        // Per example (two values each): the same decoder term plus its own share of the prior.
        for (int e = 0; e < 64; e++) {
            assertEquals(l0 + priorOfExample[e], b.perExample()[e], 2e-3, "bound of example " + e);
        }
    }

    @Test
    void perExampleBoundsAverageToTheTotalInEitherUnit() {
        Schedule s = Schedules.linear(20, 1e-3, 0.3);
        for (DataKind kind : DataKind.values()) {
            GaussianDiffusion d = GaussianDiffusion.builder().schedule(s).dataKind(kind)
                    .build();
            Tensor x0 = Tensor.zeros(6, 3, 2, 2);
            ForwardProcess.gaussian(new ScalarBackend(), x0, new SplittableRandom(5));
            Bound b = d.bound(OracleModels.standardNormalData(s), x0, null, new SplittableRandom(6));
            double mean = java.util.Arrays.stream(b.perExample()).average().orElseThrow();
            assertEquals(6, b.perExample().length, kind.toString());
            assertEquals(b.total(), mean, 1e-9 * Math.abs(b.total()), kind.toString());
            assertTrue(b.standardError() > 0, kind + ": six different examples, standard error " + b.standardError());
        }
    }

    @Test
    void standardErrorOfTheMeanIsTheSampleDeviationOverRootN() {
        // values 1..4: sample variance 5/3, so the standard error is sqrt(5/3 / 4).
        assertEquals(Math.sqrt(5.0 / 12), Bound.standardErrorOfMean(new double[] {1, 2, 3, 4}), 1e-12);
        assertTrue(Double.isNaN(Bound.standardErrorOfMean(new double[] {1})));
    }

    @Test
    void samplingIsDeterministicForAFixedSeed() {
        Schedule s = Schedules.linear(40, 1e-3, 0.3);
        GaussianDiffusion d = GaussianDiffusion.builder().schedule(s).build();
        Denoiser model = OracleModels.standardNormalData(s);
        Tensor a = new Sampler(d).sample(model, new int[] {8, 3}, new SplittableRandom(9));
        Tensor b = new Sampler(d).sample(model, new int[] {8, 3}, new SplittableRandom(9));
        assertArrayEquals(a.toArray(), b.toArray());
    }

    @Test
    void ancestralRespacedAndDdimSamplersRecoverTheDataDistribution() {
        // Data N(0, 1) with its exact ε-predictor: every sampler must return unit-variance, zero-mean samples, and
        // DDIM with η = 1 over all steps is ancestral sampling with σ² = β̃.
        Schedule s = Schedules.linear(100, 1e-3, 0.2);
        GaussianDiffusion small = GaussianDiffusion.builder().schedule(s).varianceType(VarianceType.FIXED_SMALL)
                .build();
        Denoiser model = OracleModels.standardNormalData(s);
        int n = 20_000;
        double tol = 5 * Math.sqrt(2.0 / n); // ~5 standard errors of a sample variance
        checkMoments(new Sampler(small).clipDenoised(false).sample(model, new int[] {n, 1}, new SplittableRandom(1)), tol, "ancestral");
        checkMoments(new Sampler(small).clipDenoised(false).ddim(1.0).sample(model, new int[] {n, 1}, new SplittableRandom(2)), tol, "DDIM η=1");
        // For unit-variance Gaussian data the exact reverse variance is β (the "fixed large" choice), so ancestral
        // sampling with it stays exact even on 25 respaced steps (with β̃ it would shrink the variance).
        GaussianDiffusion large = GaussianDiffusion.builder().schedule(s).varianceType(VarianceType.FIXED_LARGE)
                .build();
        checkMoments(new Sampler(large).clipDenoised(false).respaced(25).sample(model, new int[] {n, 1},
                new SplittableRandom(4)), tol, "ancestral (β), 25 steps");
    }

    @Test
    void deterministicDdimFollowsItsClosedFormOnGaussianData() {
        // With ᾱ = cos²θ and the exact ε-predictor of N(0, 1) data, x̂₀ = √ᾱ·x_t and a DDIM step (η = 0) is
        // x_prev = cos(θ_prev − θ)·x_t: the sampler must multiply x_T by the product of those cosines.
        Schedule s = Schedules.linear(100, 1e-3, 0.2);
        GaussianDiffusion d = GaussianDiffusion.builder().schedule(s).build();
        Sampler sampler = new Sampler(d).clipDenoised(false).ddim(0.0).respaced(20);
        Tensor xT = Tensor.of(new float[] {1.5f, -0.5f}, 2, 1);
        Tensor x = sampler.denoise(OracleModels.standardNormalData(s), xT.copy(), s.steps() - 1, null, new SplittableRandom(0));
        int[] steps = org.ddpm4j.diffusion.sample.Respacing.evenly(100, 20);
        double factor = 1;
        for (int k = steps.length - 1; k >= 0; k--) {
            double theta = Math.acos(Math.sqrt(s.alphaBar(steps[k])));
            double thetaPrev = k > 0 ? Math.acos(Math.sqrt(s.alphaBar(steps[k - 1]))) : 0;
            factor *= Math.cos(theta - thetaPrev);
        }
        assertEquals(1.5 * factor, x.get(0), 1e-5);
        assertEquals(-0.5 * factor, x.get(1), 1e-5);
    }

    private static void checkMoments(Tensor x, double tol, String what) {
        double mean = 0, sq = 0;
        for (float v : x.toArray()) {
            mean += v;
            sq += (double) v * v;
        }
        mean /= x.size();
        double var = sq / x.size() - mean * mean;
        assertEquals(0, mean, tol, what + " mean");
        assertEquals(1, var, 2 * tol, what + " variance");
    }

    @Test
    void progressReportsEveryKthStepWithTheCurrentPrediction() {
        Schedule s = Schedules.linear(40, 1e-3, 0.3);
        GaussianDiffusion d = GaussianDiffusion.builder().schedule(s).build();
        java.util.List<Integer> seen = new java.util.ArrayList<>();
        new Sampler(d).progress(10, (t, xt, x0) -> {
            seen.add(t);
            assertTrue(xt.hasShape(2, 3) && x0.hasShape(2, 3));
        }).sample(OracleModels.standardNormalData(s), new int[] {2, 3}, new SplittableRandom(1));
        assertEquals(java.util.List.of(30, 20, 10, 0), seen);
    }

    @Test
    void clippingKeepsPredictedX0InsideTheImageRange() {
        Schedule s = Schedules.linear(20, 1e-3, 0.3);
        GaussianDiffusion d = GaussianDiffusion.builder().schedule(s).build();
        Tensor xt = Tensor.of(new float[] {5f, -5f}, 2, 1), out = Tensor.zeros(2, 1);
        ReverseDistribution p = d.newReverse(2, 1);
        d.reverse(new ScalarBackend(), out, xt, new int[] {3, 3}, true, p);
        assertTrue(p.predictedX0().get(0) == 1f && p.predictedX0().get(1) == -1f, "x̂₀ clipped to [−1, 1]");
    }
}
