package org.ddpm4j.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.ddpm4j.diffusion.data.ImageDatasets;
import org.ddpm4j.diffusion.io.ImageModelFiles;
import org.ddpm4j.nn.UNet;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Backends;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Fashion-MNIST model shipped in the jar: commands without {@code --checkpoint} use it, and it bounds real test
 * images (the first 16 of Fashion-MNIST's test set, a test resource) as a trained model does, far below the same
 * network untrained.
 */
class EmbeddedModelTest {
    /**
     * Bits/dim on the padded 32×32 images that only a trained model reaches: the shipped model's bound on these 16
     * images lies well below it (ddpm-bench/results/2026-12-01-fashion-mnist-4000), the untrained network's far above.
     */
    private static final double TRAINED_CEILING_BITS = 3.0;
    private static final int IMAGES = 16, TIMESTEPS = 20;

    @TempDir
    Path dir;

    @Test
    void theEmbeddedModelBoundsTestImagesAsATrainedModelDoes() throws Exception {
        Path data = Path.of(getClass().getResource("/fashion-mnist-test-16").toURI());
        CliRun r = CliRun.ddpm("eval", "--data-dir", data.toString(), "--n", String.valueOf(IMAGES), "--timesteps",
                String.valueOf(TIMESTEPS), "--threads", "2", "--json");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("the embedded Fashion-MNIST model"), r.out());
        double trained = r.json().get("bits_per_dim").asDouble();
        assertTrue(trained < TRAINED_CEILING_BITS, trained + " bits/dim");

        Path copy = dir.resolve("embedded.safetensors");
        try (InputStream in = CheckpointOption.class.getResourceAsStream(CheckpointOption.EMBEDDED)) {
            Files.copy(in, copy);
        }
        Backend be = Backends.create("simd", 2);
        ImageModelFiles.Loaded embedded = ImageModelFiles.loadForSampling(copy, be);
        assertEquals(4000, embedded.step());
        UNet untrained = new UNet(embedded.model().config(), be, new SplittableRandom(1));
        Tensor x0 = ImageDatasets.mnistFormat(data, false).batch(IntStream.range(0, IMAGES).toArray());
        double fresh = embedded.diffusion().boundEstimate(untrained, x0, null, new SplittableRandom(2), TIMESTEPS).total();
        assertTrue(fresh > TRAINED_CEILING_BITS, "the ceiling must separate: untrained " + fresh + " bits/dim");
    }

    @Test
    void sampleWithoutACheckpointDrawsFromTheEmbeddedModel() throws Exception {
        Path png = dir.resolve("garments.png");
        CliRun r = CliRun.ddpm("sample", "--n", "4", "--steps", "5", "--sampler", "dpm-solver++", "--out",
                png.toString(), "--threads", "2", "--json");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(5, r.json().get("network_evaluations").asInt());
        assertTrue(Files.size(png) > 0);
    }
}
