package org.ddpm4j.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.data.InMemoryDataset;
import org.ddpm4j.diffusion.io.ImageModelFiles;
import org.ddpm4j.diffusion.train.Trainer;
import org.ddpm4j.nn.UNet;
import org.ddpm4j.nn.UNetConfig;
import org.ddpm4j.tensor.ScalarBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints record the whole diffusion, and every diffusion a user can build reloads equal to itself. */
class DiffusionMetadataTest {
    @TempDir
    Path dir;

    @Test
    void everyScheduleAndParameterisationRoundTrips() {
        List<Schedule> schedules = List.of(Schedules.linear(50, 1e-4, 0.02), Schedules.cosine(40),
                Schedules.cosineLogSnr(30, -20, 20), Schedules.logSnrLinear(20, 10, -10), Schedules.quadratic(10, 1e-4,
                        0.1), Schedules.sigmoid(12, 1e-4, 0.1), Schedules.constant(5, 0.3),
                Schedules.cosine(100).respaced(new int[] {0, 9, 50, 99}));
        for (Schedule s : schedules) {
            for (MeanType m : MeanType.values()) {
                for (VarianceType v : VarianceType.values()) {
                    LossType loss = LossType.forVariance(v);
                    GaussianDiffusion d = GaussianDiffusion.builder().schedule(s).meanType(m).varianceType(v)
                            .lossType(loss).varianceInterpolation(0.7).dataKind(DataKind.CONTINUOUS).build();
                    assertSame(d, DiffusionMetadata.gaussian(d.checkpointMetadata()), s.name() + " " + m + " " + v);
                }
            }
        }
        GaussianDiffusion vlb = GaussianDiffusion.builder().lossType(LossType.VLB).build();
        assertSame(vlb, DiffusionMetadata.gaussian(vlb.checkpointMetadata()), "VLB, 8-bit images");
    }

    @Test
    void filesFromBeforeTheWholeDiffusionWasRecordedStillLoad() {
        GaussianDiffusion linear = DiffusionMetadata.gaussian(Map.of(DiffusionMetadata.LEGACY_SCHEDULE_KEY,
                "100,1e-4,0.02"));
        assertSame(GaussianDiffusion.builder().schedule(Schedules.linear(100, 1e-4, 0.02)).build(), linear, "oldest");
        GaussianDiffusion learned = DiffusionMetadata.gaussian(Map.of(DiffusionMetadata.LEGACY_SCHEDULE_KEY,
                "100,1e-4,0.02", DiffusionMetadata.LEGACY_VARIANCE_KEY, "LEARNED_RANGE"));
        assertEquals(VarianceType.LEARNED_RANGE, learned.varianceType());
        assertEquals(LossType.HYBRID, learned.lossType(), "learned variances were trained with the hybrid loss");
    }

    @Test
    void badEntriesNameTheKeyAndTheField() {
        Map<String, String> good = GaussianDiffusion.builder().schedule(Schedules.cosine(10)).build()
                .checkpointMetadata();
        assertMessage(Map.of(), "'diffusion' is missing");
        assertMessage(Map.of(DiffusionMetadata.KEY, "{not json"), "not valid JSON");
        assertMessage(Map.of(DiffusionMetadata.KEY, good.get(DiffusionMetadata.KEY).replace("EPSILON", "SCORE")),
                "'mean' is 'SCORE'");
        assertMessage(Map.of(DiffusionMetadata.KEY, good.get(DiffusionMetadata.KEY).replace("\"betas\":[",
                "\"betas\":[\"x\",")), "β[0]");
        assertMessage(Map.of(DiffusionMetadata.KEY, good.get(DiffusionMetadata.KEY).replace("\"betas\":[",
                "\"betas\":[1.5,")), "outside (0, 1)");
        assertMessage(new BinomialDiffusion(8).checkpointMetadata(), "binomial");
        assertMessage(Map.of(DiffusionMetadata.LEGACY_SCHEDULE_KEY, "100,1e-4"), "expected 'steps,start,end'");
    }

    /** What the issue asked for: a cosine-schedule, x₀-predicting model trained by the Trainer reloads for sampling. */
    @Test
    void aTrainedModelWithAnotherScheduleAndOutputReloadsForSampling() throws IOException {
        UNetConfig cfg = new UNetConfig(1, 32, new int[] {1, 2}, 1, java.util.Set.of(4), 0f, 8, 0, true);
        UNet net = new UNet(cfg, new ScalarBackend(), new SplittableRandom(1));
        GaussianDiffusion d = GaussianDiffusion.builder().schedule(Schedules.cosine(20)).meanType(MeanType.X0)
                .varianceType(VarianceType.LEARNED_RANGE).lossType(LossType.VLB).build();
        float[] pixels = new float[4 * 64];
        java.util.Arrays.fill(pixels, 0.5f);
        Dataset data = new InMemoryDataset(pixels, new int[] {1, 8, 8}, null, 0);
        Path file = dir.resolve("cosine-x0.safetensors");
        Trainer trainer = Trainer.builder(net, d).data(data).batchSize(2).seed(3).modelConfig(cfg)
                .checkpoint(file, 0).build();
        trainer.train(1, p -> { });
        ImageModelFiles.Loaded loaded = ImageModelFiles.loadForSampling(file, new ScalarBackend());
        assertSame(d, loaded.diffusion(), "reloaded");
        assertEquals(1, loaded.step());
    }

    private static void assertMessage(Map<String, String> meta, String expected) {
        String msg = assertThrows(IllegalArgumentException.class, () -> DiffusionMetadata.gaussian(meta))
                .getMessage();
        assertTrue(msg.contains(expected), msg);
    }

    private static void assertSame(GaussianDiffusion expected, GaussianDiffusion actual, String what) {
        Schedule a = expected.schedule(), b = actual.schedule();
        assertEquals(a.name(), b.name(), what);
        double[] betasA = new double[a.steps()], betasB = new double[b.steps()];
        for (int t = 0; t < a.steps(); t++) {
            betasA[t] = a.beta(t);
        }
        for (int t = 0; t < b.steps(); t++) {
            betasB[t] = b.beta(t);
        }
        assertArrayEquals(betasA, betasB, 0, what + ": β exactly");
        assertEquals(expected.meanType(), actual.meanType(), what);
        assertEquals(expected.varianceType(), actual.varianceType(), what);
        assertEquals(expected.varianceInterpolation(), actual.varianceInterpolation(), 0, what);
        assertEquals(expected.lossType(), actual.lossType(), what);
        assertEquals(expected.dataKind(), actual.dataKind(), what);
        Map<String, String> again = new HashMap<>(actual.checkpointMetadata());
        assertEquals(expected.checkpointMetadata(), again, what + ": the same entry written again");
    }
}
