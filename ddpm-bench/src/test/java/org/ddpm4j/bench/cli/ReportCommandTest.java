package org.ddpm4j.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.Schedules;
import org.ddpm4j.diffusion.io.ImageModelFiles;
import org.ddpm4j.nn.UNet;
import org.ddpm4j.nn.UNetConfig;
import org.ddpm4j.tensor.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ddpm report} end to end on a tiny configuration and a small MNIST-format data set written here. */
class ReportCommandTest {
    @TempDir
    Path dir;

    @Test
    void theTinyReportWritesEverySectionAndFigure() throws IOException {
        Path data = dir.resolve("data"), out = dir.resolve("report");
        Files.createDirectories(data);
        MnistFiles.write(data, "train", 40, 1);
        MnistFiles.write(data, "t10k", 24, 2);
        int rc = new CommandLine(new ReportCommand()).execute("--tiny", "--out", out.toString(), "--data-dir",
                data.toString(), "--threads", "2");
        assertEquals(0, rc);
        String md = Files.readString(out.resolve("report.md"));
        for (String section : new String[] {"## Feature classifier", "## Fashion-MNIST diffusion model", "## Samples",
                "## Progressive generation", "## Likelihood and rate/distortion", "## Classifier-free guidance",
                "## Toy likelihoods"}) {
            assertTrue(md.contains(section), "report has " + section);
        }
        assertTrue(md.contains("| 4.0 |"), "the guidance sweep reaches w = 4");
        for (String png : new String[] {"samples.png", "progressive.png", "rate_distortion.png", "guidance_fd.png",
                "guidance_accuracy.png", "swissroll.png"}) {
            assertTrue(Files.size(out.resolve(png)) > 0, png);
            assertTrue(md.contains("(" + png + ")"), "report links " + png);
        }
        assertTrue(Files.exists(out.resolve("classifier.safetensors")));
    }

    /**
     * On a given unconditional model and classifier the report trains neither, and measures the sampler curve (every
     * budget of the plan, one CSV row each) where a conditional model gets the guidance sweep.
     */
    @Test
    void aGivenUnconditionalModelGetsTheSamplerCurveInsteadOfTheGuidanceSweep() throws IOException {
        Path data = dir.resolve("data"), out = dir.resolve("report");
        Files.createDirectories(data);
        MnistFiles.write(data, "train", 12, 1);
        MnistFiles.write(data, "t10k", 8, 2);
        Path cls = dir.resolve("cls.safetensors"), model = dir.resolve("model.safetensors");
        assertEquals(0, CliRun.ddpm("classifier", "--data-dir", data.toString(), "--steps", "2", "--out",
                cls.toString(), "--threads", "2").exitCode());
        UNet unet = new UNet(UNetConfig.smallGrayscale(), Backends.getDefault(), new SplittableRandom(3));
        GaussianDiffusion diffusion = GaussianDiffusion.builder().schedule(Schedules.linear(20, 1e-3, 0.2)).build();
        ImageModelFiles.writeForSampling(model, new ImageModelFiles.Loaded(unet, diffusion, 7), Map.of());

        CliRun r = CliRun.ddpm("report", "--tiny", "--checkpoint", model.toString(), "--classifier", cls.toString(),
                "--out", out.toString(), "--data-dir", data.toString(), "--threads", "2");
        assertEquals(0, r.exitCode(), r.err());
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.contains("from `" + cls + "`") && md.contains("`" + model + "`, step 7"), md);
        assertTrue(md.contains("## Fewer network evaluations per sample") && md.contains("![sampler curve]"
                + "(sampler-curve.png)"), md);
        assertTrue(!md.contains("## Classifier-free guidance") && !md.contains("One row per class"), md);
        assertTrue(md.contains("every one of the 20 steps"), "the bound runs over the model's own T");
        List<String> rows = Files.readAllLines(out.resolve("sampler-curve.csv"));
        assertEquals(List.of("ancestral,2,2", "ancestral,3,3", "ddim,2,2", "dpm-solver++,2,2"), rows.subList(1,
                rows.size()).stream().map(row -> String.join(",", java.util.Arrays.copyOf(row.split(","), 3))).toList());
        assertTrue(md.contains("| dpm-solver++ | 2 | 2 |"), md);
        assertTrue(!Files.exists(out.resolve("classifier.safetensors")), "the given classifier is not retrained");
        assertTrue(md.contains("Total time"), "the report ran to its end");
    }
}
