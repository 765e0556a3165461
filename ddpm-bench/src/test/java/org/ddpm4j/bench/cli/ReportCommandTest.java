package org.ddpm4j.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
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
        writeMnistFormat(data, "train", 40, 1);
        writeMnistFormat(data, "t10k", 24, 2);
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

    /** {@code n} random 28×28 images with labels 0–9 in turn, as {@code <prefix>-images-idx3-ubyte} and labels. */
    private static void writeMnistFormat(Path dir, String prefix, int n, long seed) throws IOException {
        SplittableRandom rng = new SplittableRandom(seed);
        try (DataOutputStream img = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte")));
             DataOutputStream lab = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte")))) {
            img.writeInt(0x803);
            img.writeInt(n);
            img.writeInt(28);
            img.writeInt(28);
            for (int i = 0; i < n * 28 * 28; i++) {
                img.writeByte(rng.nextInt(256));
            }
            lab.writeInt(0x801);
            lab.writeInt(n);
            for (int i = 0; i < n; i++) {
                lab.writeByte(i % 10);
            }
        }
    }
}
