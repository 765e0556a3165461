package org.ddpm4j.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.data.SwissRoll;
import org.ddpm4j.diffusion.train.LossAwareTimesteps;
import org.ddpm4j.diffusion.train.Trainer;
import org.ddpm4j.nn.ForwardContext;
import org.ddpm4j.nn.MlpDenoiser;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Importance-sampled timesteps (Nichol & Dhariwal 2021, §3.3) and the weighted bound they train on. */
class LossAwareTimestepsTest {
    /** Draw frequencies against p: 200 000 draws put the standard error of a share near 0.001. */
    private static final double FREQUENCY_TOLERANCE = 0.005;

    @TempDir
    Path dir;

    @Test
    void uniformUntilEveryTermHasItsHistoryThenProportionalToTheRootMeanSquareLoss() {
        LossAwareTimesteps s = new LossAwareTimesteps(4);
        double[] losses = {1, 2, 3, 10};
        for (int round = 0; round < 9; round++) {
            s.record(new int[] {0, 1, 2, 3}, losses);
        }
        s.record(new int[] {0, 1, 2}, new double[] {1, 2, 3});
        assertFalse(s.warmedUp(), "term 3 has only 9 values");
        assertArrayEquals(new double[] {0.25, 0.25, 0.25, 0.25}, s.probabilities(), 0);
        s.record(new int[] {3}, new double[] {-10}); // a negative term counts by its square
        assertTrue(s.warmedUp());
        double[] p = s.probabilities();
        for (int t = 0; t < 4; t++) {
            double expected = Math.abs(losses[t]) / 16 * (1 - 0.001) + 0.001 / 4;
            assertEquals(expected, p[t], 1e-12, "p_" + t);
        }
        int[] t = new int[200_000];
        double[] w = new double[t.length];
        s.draw(new SplittableRandom(5), t, w);
        int[] counts = new int[4];
        double weightedMean = 0;
        for (int i = 0; i < t.length; i++) {
            counts[t[i]]++;
            assertEquals(1 / (4 * p[t[i]]), w[i], 1e-12, "weight of t = " + t[i]);
            weightedMean += w[i] * losses[t[i]] / t.length;
        }
        for (int k = 0; k < 4; k++) {
            assertEquals(p[k], counts[k] / (double) t.length, FREQUENCY_TOLERANCE, "share of t = " + k);
        }
        // Unbiased: E_p[L_t / (T·p_t)] is the uniform mean of the terms, 4.
        assertEquals(4.0, weightedMean, 0.05);
    }

    @Test
    void weightedLossScalesEachSamplesTermAndGradient() {
        GaussianDiffusion d = SwissRollDiffusion.vlb();
        MlpDenoiser model = new MlpDenoiser(new MlpDenoiser.Config(2, 16, 2, 8, 0, true), new ScalarBackend(),
                new SplittableRandom(1));
        Tensor x0 = SwissRoll.sample(3, new SplittableRandom(2)).all();
        int[] t = {0, 7, 31};
        LossTerms plain = d.loss(model, x0, t, null, null, new SplittableRandom(3), ForwardContext.inference());
        float[] plainGrad = plain.outputGradient().toArray().clone();
        LossTerms ones = d.loss(model, x0, t, new double[] {1, 1, 1}, null, new SplittableRandom(3),
                ForwardContext.inference());
        assertEquals(plain.loss(), ones.loss(), 1e-12, "weights of 1 give the plain bound term");
        double[] terms = ones.perSample();
        assertEquals(plain.loss(), (terms[0] + terms[1] + terms[2]) / 3, 1e-12, "the terms average to the loss");
        assertArrayEquals(plainGrad, ones.outputGradient().toArray(), 0f);
        // Weighting only the second sample: its term and gradient alone, doubled.
        LossTerms second = d.loss(model, x0, t, new double[] {0, 2, 0}, null, new SplittableRandom(3),
                ForwardContext.inference());
        assertEquals(2 * terms[1] / 3, second.loss(), 1e-12);
        float[] g = second.outputGradient().toArray();
        int per = g.length / 3;
        for (int i = 0; i < g.length; i++) {
            float expected = i / per == 1 ? 2 * plainGrad[i] : 0f;
            assertEquals(expected, g[i], 1e-6f * (1 + Math.abs(expected)), "gradient element " + i);
        }
        assertThrows(IllegalArgumentException.class, () -> d.loss(model, x0, t, new double[2], null,
                new SplittableRandom(3), ForwardContext.inference()));
    }

    @Test
    void weightsScaleTheSimpleLossPerSampleToo() {
        GaussianDiffusion d = GaussianDiffusion.builder().schedule(Schedules.linear(40, 1e-3, 0.2))
                .dataKind(DataKind.CONTINUOUS).build();
        MlpDenoiser model = new MlpDenoiser(new MlpDenoiser.Config(2, 16, 2, 8, 0), new ScalarBackend(),
                new SplittableRandom(1));
        Tensor x0 = SwissRoll.sample(4, new SplittableRandom(2)).all();
        int[] t = {3, 9, 20, 39};
        LossTerms plain = d.loss(model, x0, t, null, null, new SplittableRandom(5), ForwardContext.inference());
        double mean = java.util.Arrays.stream(plain.perSample()).average().orElseThrow();
        assertEquals(plain.loss(), mean, 1e-12, "the per-sample MSEs average to the loss");
        LossTerms weighted = d.loss(model, x0, t, new double[] {0, 0, 4, 0}, null, new SplittableRandom(5),
                ForwardContext.inference());
        assertEquals(plain.perSample()[2], weighted.loss(), 1e-12, "4·term/4");
        float[] pg = plain.outputGradient().toArray(), wg = weighted.outputGradient().toArray();
        for (int i = 0; i < pg.length; i++) {
            float expected = i / 2 == 2 ? 4 * pg[i] : 0f;
            assertEquals(expected, wg[i], 1e-6f * (1 + Math.abs(expected)), "gradient element " + i);
        }
    }

    @Test
    void aResumedImportanceSampledRunContinuesExactly() throws Exception {
        Dataset data = SwissRoll.sample(300, new SplittableRandom(1));
        GaussianDiffusion d = GaussianDiffusion.builder().schedule(Schedules.logSnrLinear(8, 10, -10))
                .varianceType(VarianceType.LEARNED_RANGE).lossType(LossType.VLB).dataKind(DataKind.CONTINUOUS)
                .build();
        MlpDenoiser.Config cfg = new MlpDenoiser.Config(2, 16, 2, 8, 0, true);
        // 8 terms × 10 values need 80 samples: with batch 16 the sampler leaves uniform after step 5.
        List<Double> straight = run(trainer(cfg, d, data, 7), 12);
        Trainer first = trainer(cfg, d, data, 7);
        List<Double> resumed = new ArrayList<>(run(first, 8));
        Path ckpt = dir.resolve("is.safetensors");
        first.save(ckpt);
        Trainer second = trainer(cfg, d, data, 99);
        second.resume(ckpt);
        resumed.addAll(run(second, 4));
        assertEquals(straight, resumed);
        assertThrows(IllegalArgumentException.class, () -> Trainer.builder(new MlpDenoiser(cfg, new ScalarBackend(),
                new SplittableRandom(1)), GaussianDiffusion.builder().schedule(Schedules.linear(8, 1e-3, 0.2))
                .build()).data(data).importanceSampledTimesteps(true).build(),
                "L_simple has no bound terms to sample by");
    }

    private static Trainer trainer(MlpDenoiser.Config cfg, GaussianDiffusion d, Dataset data, long initSeed) {
        MlpDenoiser model = new MlpDenoiser(cfg, new ScalarBackend(), new SplittableRandom(initSeed));
        return Trainer.builder(model, d).data(data).batchSize(16).learningRate(1e-3).importanceSampledTimesteps(true)
                .seed(11).modelConfig(cfg).build();
    }

    private static List<Double> run(Trainer t, int steps) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            out.add(t.trainStep());
        }
        return out;
    }

    /** The swiss-roll demo's diffusion at 32 steps, trained on the bound. */
    private static final class SwissRollDiffusion {
        static GaussianDiffusion vlb() {
            return GaussianDiffusion.builder().schedule(Schedules.logSnrLinear(32, 10, -10))
                    .varianceType(VarianceType.LEARNED_RANGE).lossType(LossType.VLB).dataKind(DataKind.CONTINUOUS)
                    .build();
        }
    }
}
