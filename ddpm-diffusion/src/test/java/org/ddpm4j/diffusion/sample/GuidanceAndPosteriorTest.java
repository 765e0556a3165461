package org.ddpm4j.diffusion.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ddpm4j.diffusion.DataKind;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.OracleModels;
import org.ddpm4j.diffusion.Schedule;
import org.ddpm4j.diffusion.Schedules;
import org.ddpm4j.diffusion.VarianceType;
import org.ddpm4j.nn.ForwardContext;
import org.ddpm4j.nn.MlpDenoiser;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Classifier-free guidance (Ho &amp; Salimans) and posterior sampling by multiplying distributions (Sohl-Dickstein §2.5). */
class GuidanceAndPosteriorTest {
    private static final int CLASSES = 3;
    /** A batched call and separate calls sum in the same order: only the guided combination's rounding differs. */
    private static final double SAME_CALL_TOLERANCE = 1e-6;

    private final ScalarBackend be = new ScalarBackend();

    private GaussianDiffusion diffusion() {
        return GaussianDiffusion.builder().schedule(Schedules.linear(30, 1e-3, 0.3)).dataKind(DataKind.CONTINUOUS)
                .build();
    }

    private MlpDenoiser conditionalModel() {
        return new MlpDenoiser(new MlpDenoiser.Config(2, 32, 2, 8, CLASSES), be, new SplittableRandom(3));
    }

    @Test
    void guidanceWithWeightZeroIsConditionalSampling() {
        MlpDenoiser model = conditionalModel();
        int[] labels = {0, 1, 2, 1};
        Tensor plain = new Sampler(diffusion()).clipDenoised(false).sample(model, new int[] {4, 2}, labels, new SplittableRandom(7));
        Tensor guided = new Sampler(diffusion()).clipDenoised(false).guidance(0).sample(model, new int[] {4, 2}, labels,
                new SplittableRandom(7));
        for (int i = 0; i < plain.size(); i++) {
            assertEquals(plain.get(i), guided.get(i), SAME_CALL_TOLERANCE, "element " + i);
        }
    }

    @Test
    void theBatchedGuidedCallEqualsTwoSeparateCalls() {
        MlpDenoiser model = conditionalModel();
        Tensor x = Tensor.of(new float[] {0.3f, -1.2f, 2f, 0.1f}, 2, 2);
        int[] labels = {2, 0};
        double w = 1.5;
        Tensor guided = new GuidedCall(model, x, labels, w).forward(x, 11).copy();
        Tensor cond = model.forward(x, new int[] {11, 11}, labels, ForwardContext.inference()).copy();
        Tensor uncond = model.forward(x, new int[] {11, 11}, new int[] {CLASSES, CLASSES}, ForwardContext.inference()).copy();
        for (int i = 0; i < x.size(); i++) {
            assertEquals((1 + w) * cond.get(i) - w * uncond.get(i), guided.get(i), SAME_CALL_TOLERANCE, "element " + i);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> new GuidedCall(
                new MlpDenoiser(new MlpDenoiser.Config(2, 8, 1, 8, 0), be, new SplittableRandom(1)), x, labels, w));
        assertTrue(e.getMessage().contains("class-conditional"), e.getMessage());
    }

    @Test
    void inpaintingKeepsTheKnownPixels() {
        Tensor image = Tensor.of(new float[] {0.5f, -0.5f, 0.25f, 1f, -1f, 0f}, 3, 2);
        Tensor known = Tensor.of(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
        Tensor out = new Sampler(diffusion()).clipDenoised(false).inpaint(conditionalModel(), image, known, null,
                new SplittableRandom(2));
        for (int i = 0; i < image.size(); i++) {
            if (known.get(i) != 0) {
                assertEquals(image.get(i), out.get(i), 0f, "known pixel " + i);
            }
        }
        assertTrue(out.get(1) != image.get(1) && out.get(2) != image.get(2), "unknown pixels are sampled");
        assertThrows(IllegalArgumentException.class, () -> new Sampler(diffusion()).inpaint(conditionalModel(), image,
                Tensor.zeros(2, 3), null, new SplittableRandom(2)));
    }

    @Test
    void denoisingSamplesTheExactPosteriorOfGaussianData() {
        // x₀ ~ N(0, 1), y = x₀ + σn: p(x₀ | y) = N(y/(1 + σ²), σ²/(1 + σ²)). With the exact denoiser and β as the
        // reverse variance (exact for unit-variance Gaussian data) the chain from the matching step samples it.
        Schedule s = Schedules.linear(100, 1e-3, 0.2);
        GaussianDiffusion d = GaussianDiffusion.builder().schedule(s).varianceType(VarianceType.FIXED_LARGE)
                .dataKind(DataKind.CONTINUOUS).build();
        double sigma = Math.sqrt((1 - s.alphaBar(40)) / s.alphaBar(40)), y = 1.0;
        int n = 20_000;
        Tensor observed = Tensor.zeros(n, 1);
        observed.fill((float) y);
        Tensor x = new Sampler(d).clipDenoised(false).denoiseObservation(OracleModels.standardNormalData(s), observed, sigma, null,
                new SplittableRandom(5));
        double mean = 0, sq = 0;
        for (float v : x.toArray()) {
            mean += v / (double) n;
            sq += (double) v * v / n;
        }
        double var = sq - mean * mean, post = sigma * sigma / (1 + sigma * sigma);
        double tol = 5 * Math.sqrt(post / n); // ~5 standard errors of the mean
        assertEquals(y / (1 + sigma * sigma), mean, tol, "posterior mean");
        assertEquals(post, var, 5 * post * Math.sqrt(2.0 / n), "posterior variance");
        assertThrows(IllegalArgumentException.class, () -> new Sampler(d).denoiseObservation(OracleModels.standardNormalData(s),
                observed, 1e6, null, new SplittableRandom(5)));
    }

    @Test
    void guidanceNeedsANonNegativeWeight() {
        assertThrows(IllegalArgumentException.class, () -> new Sampler(diffusion()).guidance(-0.5));
    }
}
