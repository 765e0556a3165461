package org.ddpm4j.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
