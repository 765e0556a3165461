package org.ddpm4j.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.ddpm4j.nn.io.SafeTensors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20 on the command line: {@code --sampler}, {@code --prediction v}, {@code --min-snr-gamma}, and
 * {@code ddpm quality --images} reading a PNG folder or a .npy file generated elsewhere.
 */
class SamplersAndGeneratedImagesCliTest {
    private static final int USAGE = 2;
    private static final int IMAGES = 6;

    @TempDir
    Path dir;
    private Path data;

    @BeforeEach
    void smallDataSet() throws IOException {
        data = Files.createDirectories(dir.resolve("data"));
        MnistFiles.write(data, "train", 8, 1);
        MnistFiles.write(data, "t10k", IMAGES, 2);
    }


    private CliRun train(String... more) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("train", "--data-dir",
                data.toString(), "--checkpoint", dir.resolve("run.safetensors").toString(), "--samples",
                dir.resolve("s.png").toString(), "--threads", "2", "--batch", "2", "--steps", "2",
                "--sample-steps", "3"));
        args.addAll(java.util.List.of(more));
        return CliRun.ddpm(args.toArray(String[]::new));
    }

    @Test
    void aVelocityModelWithMinSnrTrainsAndSamplesWithEverySolver() throws IOException {
        CliRun trained = train("--prediction", "v", "--min-snr-gamma", "5", "--sampler", "dpm-solver++");
        assertEquals(0, trained.exitCode(), trained.err());
        String diffusion = SafeTensors.read(dir.resolve("run.safetensors")).metadata().get("diffusion");
        assertTrue(diffusion.contains("\"mean\":\"VELOCITY\"") && diffusion.contains("\"min_snr_gamma\":5.0"),
                diffusion);
        String ckpt = dir.resolve("run.safetensors").toString();
        for (String[] expect : new String[][] {{"heun", "5"}, {"dpm-solver++", "3"}, {"ancestral", "3"},
                {"ddim", "3"}}) {
            CliRun r = CliRun.ddpm("sample", "--checkpoint", ckpt, "--sampler", expect[0], "--steps", "3", "--n", "2",
                    "--out", dir.resolve(expect[0] + ".png").toString(), "--threads", "2", "--json");
            assertEquals(0, r.exitCode(), r.err());
            assertEquals(Integer.parseInt(expect[1]), r.json().get("network_evaluations").asInt(), expect[0]);
            assertTrue(Files.size(dir.resolve(expect[0] + ".png")) > 0);
        }
    }

    /** An exported model holds exactly the checkpoint's EMA weights under the model's names, a third of the bytes. */
    @Test
    void exportKeepsTheEmaWeightsAlone() throws IOException {
        assertEquals(0, train().exitCode());
        Path ckpt = dir.resolve("run.safetensors"), exported = dir.resolve("model.safetensors");
        CliRun r = CliRun.ddpm("export", "--checkpoint", ckpt.toString(), "--out", exported.toString(), "--note", "a test");
        assertEquals(0, r.exitCode(), r.err());
        SafeTensors.Contents original = SafeTensors.read(ckpt), weights = SafeTensors.read(exported);
        assertEquals("a test", weights.metadata().get("note"));
        assertEquals(original.metadata().get("diffusion"), weights.metadata().get("diffusion"));
        assertTrue(Files.size(exported) * 3 < Files.size(ckpt) + 4096, Files.size(exported) + " of " + Files.size(ckpt));
        for (var e : weights.tensors().entrySet()) {
            assertTrue(!e.getKey().startsWith("ema.") && !e.getKey().startsWith("adam."), e.getKey());
            org.junit.jupiter.api.Assertions.assertArrayEquals(original.tensors().get("ema." + e.getKey()).toArray(),
                    e.getValue().toArray(), e.getKey());
        }
        CliRun s = CliRun.ddpm("sample", "--checkpoint", exported.toString(), "--steps", "4", "--n", "2", "--threads", "2",
                "--out", dir.resolve("exported.png").toString());
        assertEquals(0, s.exitCode(), s.err());
    }

    /** Issue 19: a diverged checkpoint is refused by name, or loaded on request and its NaN samples reported. */
    @Test
    void nonFiniteWeightsLoadOnlyWhenAskedAndTheirSamplesAreReported() throws IOException {
        assertEquals(0, train().exitCode());
        Path ckpt = dir.resolve("run.safetensors");
        SafeTensors.Contents c = SafeTensors.read(ckpt);
        java.util.Map<String, org.ddpm4j.tensor.Tensor> tensors = new java.util.LinkedHashMap<>(c.tensors());
        tensors.get("ema.tail.2.weight").set(0, Float.NaN);
        SafeTensors.write(ckpt, tensors, c.metadata());
        String[] sample = {"sample", "--checkpoint", ckpt.toString(), "--steps", "2", "--n", "2", "--threads", "2",
                "--out", dir.resolve("nan.png").toString()};
        CliRun refused = CliRun.ddpm(sample);
        assertEquals(DdpmCommand.FAILED, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("ema.tail.2.weight") && refused.err().contains("diverged"), refused.err());
        String[] allowed = java.util.Arrays.copyOf(sample, sample.length + 1);
        allowed[sample.length] = "--allow-non-finite";
        CliRun loaded = CliRun.ddpm(allowed);
        assertEquals(DdpmCommand.FAILED, loaded.exitCode(), loaded.err());
        assertTrue(loaded.err().contains("NaN") && !loaded.err().contains("diverged model"), loaded.err());
        assertTrue(!Files.exists(dir.resolve("nan.png")), "no black PNG");
    }

    @Test
    void badSamplerAndPredictionOptionsAreOneLineUsageErrors() throws IOException {
        Path ckpt = Files.writeString(dir.resolve("c.safetensors"), "not read");
        assertUsage(CliRun.ddpm("sample", "--checkpoint", ckpt.toString(), "--sampler", "euler"), "--sampler", "euler");
        assertUsage(CliRun.ddpm("sample", "--checkpoint", ckpt.toString(), "--sampler", "heun", "--ddim-eta", "0.5"),
                "--ddim-eta", "heun");
        assertUsage(train("--prediction", "mu"), "--prediction", "mu");
        assertUsage(train("--min-snr-gamma", "-1"), "--min-snr-gamma");
        Path cls = Files.writeString(dir.resolve("cls.safetensors"), "not read");
        assertUsage(CliRun.ddpm("quality", "--classifier", cls.toString(), "--data-dir", data.toString()), "--checkpoint",
                "--images", "neither");
        assertUsage(CliRun.ddpm("quality", "--classifier", cls.toString(), "--data-dir", data.toString(), "--checkpoint",
                ckpt.toString(), "--images", dir.toString()), "both");
    }

    private static void assertUsage(CliRun r, String... fragments) {
        assertEquals(USAGE, r.exitCode(), r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "'" + r.err() + "' names " + f);
        }
    }

    /**
     * The same images as 8-bit PNGs, as a uint8 .npy and as a float32 .npy on [−1, 1] give the same metrics; a
     * float .npy on [0, 1] is refused with the fix, and a file with too few images names its count.
     */
    @Test
    void qualityMeasuresPngFoldersAndNpyFilesAlike() throws IOException {
        Path cls = dir.resolve("cls.safetensors");
        CliRun trained = CliRun.ddpm("classifier", "--data-dir", data.toString(), "--steps", "2", "--out", cls.toString(),
                "--threads", "2");
        assertEquals(0, trained.exitCode(), trained.err());
        SplittableRandom rng = new SplittableRandom(7);
        byte[] pixels = new byte[IMAGES * 32 * 32];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) rng.nextInt(256);
        }
        Path pngs = Files.createDirectories(dir.resolve("pngs"));
        for (int n = 0; n < IMAGES; n++) {
            BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    int v = pixels[n * 1024 + y * 32 + x] & 0xff;
                    img.getRaster().setSample(x, y, 0, v);
                }
            }
            ImageIO.write(img, "png", pngs.resolve(String.format("%03d.png", n)).toFile());
        }
        float[] scaled = new float[pixels.length], unit = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            scaled[i] = (pixels[i] & 0xff) / 127.5f - 1f;
            unit[i] = pixels[i] & 0xff;
        }
        Path u8 = NpyFiles.write(dir.resolve("u8.npy"), "|u1", new int[] {IMAGES, 32, 32}, ByteBuffer.wrap(pixels));
        Path f32 = NpyFiles.write(dir.resolve("f32.npy"), "<f4", new int[] {IMAGES, 1, 32, 32}, floats(scaled));
        Path f01 = NpyFiles.write(dir.resolve("f01.npy"), "<f4", new int[] {IMAGES, 32, 32, 1}, floats(unit));
        double[] fd = new double[3];
        Path[] sources = {pngs, u8, f32};
        for (int i = 0; i < 3; i++) {
            CliRun r = quality(cls, sources[i], IMAGES);
            assertEquals(0, r.exitCode(), r.err());
            fd[i] = r.json().get("frechet_distance").asDouble();
        }
        assertEquals(fd[0], fd[1], 1e-6 * (1 + fd[0]), "PNG folder and uint8 .npy (pixels scaled in float and in double)");
        assertEquals(fd[1], fd[2], 1e-5 * (1 + fd[1]), "uint8 and float32 .npy");
        CliRun unitRange = quality(cls, f01, IMAGES);
        assertEquals(DdpmCommand.FAILED, unitRange.exitCode(), unitRange.err());
        assertTrue(unitRange.err().contains("[-1, 1]") && unitRange.err().contains("x / 127.5 - 1"), unitRange.err());
        CliRun tooFew = quality(cls, u8, IMAGES + 1);
        assertTrue(tooFew.exitCode() != 0 && tooFew.err().contains("holds " + IMAGES + " images"), tooFew.err());
    }

    private CliRun quality(Path cls, Path images, int n) {
        return CliRun.ddpm("quality", "--classifier", cls.toString(), "--images", images.toString(), "--n",
                String.valueOf(n), "--data-dir", data.toString(), "--threads", "2", "--json");
    }

    private static ByteBuffer floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.flip();
    }

    /**
     * {@code --batch} draws the images a batch at a time from one stream: every batch gets fresh noise, and one
     * batch of all the images is the unbatched run. (Same-seed runs in one JVM agree to rounding, not bits.)
     */
    @Test
    void samplingInBatchesDrawsFreshNoiseForEachBatch() throws IOException {
        assertEquals(0, train().exitCode());
        String ckpt = dir.resolve("run.safetensors").toString();
        java.util.Map<String, float[]> drawn = new java.util.HashMap<>();
        for (String batch : new String[] {"2", "5", "100"}) {
            Path npy = dir.resolve("b" + batch + ".npy");
            CliRun r = CliRun.ddpm("sample", "--checkpoint", ckpt, "--steps", "3", "--n", "5", "--batch", batch,
                    "--out", dir.resolve("b" + batch + ".png").toString(), "--npy", npy.toString(), "--threads", "2",
                    "--progressive", dir.resolve("p" + batch + ".png").toString());
            assertEquals(0, r.exitCode(), r.err());
            org.ddpm4j.tensor.Tensor x = org.ddpm4j.diffusion.io.NpyImages.read(npy);
            assertEquals(5, x.dim(0));
            drawn.put(batch, x.toArray());
        }
        int per = drawn.get("2").length / 5;
        float[] batched = drawn.get("2");
        // Image 0 opens the first batch, image 2 the second: the same seed restarted per batch would repeat it.
        assertTrue(maxDifference(batched, 0, batched, 2 * per, per) > 0.1, "the second batch repeats the first");
        assertTrue(maxDifference(drawn.get("5"), 0, drawn.get("100"), 0, 5 * per) < SAME_RUN_TOLERANCE,
                "one batch of all 5 is the unbatched run");
        // The progressive strip follows the first batch only: as many snapshots (columns), two samples (rows) not four.
        BufferedImage firstBatchOnly = ImageIO.read(dir.resolve("p2.png").toFile()),
                oneBatch = ImageIO.read(dir.resolve("p5.png").toFile());
        assertEquals(oneBatch.getWidth(), firstBatchOnly.getWidth());
        assertTrue(firstBatchOnly.getHeight() < oneBatch.getHeight(), firstBatchOnly.getHeight() + " rows of pixels");
    }

    /**
     * {@code ddpm sampler-curve} measures each method at each budget as {@code ddpm quality} would, counts Heun's
     * 2n−1 evaluations, and writes the table and the plot; an unknown method is a usage error.
     */
    @Test
    void samplerCurveMeasuresEachMethodAtEachBudget() throws IOException {
        assertEquals(0, train().exitCode());
        Path cls = dir.resolve("cls.safetensors"), curve = dir.resolve("curve");
        assertEquals(0, CliRun.ddpm("classifier", "--data-dir", data.toString(), "--steps", "2", "--out",
                cls.toString(), "--threads", "2").exitCode());
        String ckpt = dir.resolve("run.safetensors").toString();
        CliRun r = CliRun.ddpm("sampler-curve", "--checkpoint", ckpt, "--classifier", cls.toString(), "--data-dir",
                data.toString(), "--samplers", "ancestral,heun", "--evaluations", "2,3", "--n", "4", "--out",
                curve.toString(), "--threads", "2");
        assertEquals(0, r.exitCode(), r.err());
        java.util.List<String> rows = Files.readAllLines(curve.resolve("sampler-curve.csv"));
        assertEquals(5, rows.size(), String.join("\n", rows));
        assertEquals(java.util.List.of("ancestral,2,2", "ancestral,3,3", "heun,1,1", "heun,2,3"), rows.subList(1, 5)
                .stream().map(row -> String.join(",", java.util.Arrays.copyOf(row.split(","), 3))).toList());
        assertTrue(Files.size(curve.resolve("sampler-curve.png")) > 0);
        String table = Files.readString(curve.resolve("sampler-curve.md"));
        assertTrue(table.contains("| heun | 2 | 3 |") && table.contains("against 4 test images"), table);
        CliRun single = CliRun.ddpm("quality", "--checkpoint", ckpt, "--classifier", cls.toString(), "--data-dir",
                data.toString(), "--steps", "3", "--n", "4", "--threads", "2", "--json");
        assertEquals(0, single.exitCode(), single.err());
        assertEquals(single.json().get("frechet_distance").asDouble(), Double.parseDouble(rows.get(2).split(",")[3]),
                SAME_RUN_TOLERANCE * Math.max(1, single.json().get("frechet_distance").asDouble()));
        CliRun bad = CliRun.ddpm("sampler-curve", "--checkpoint", ckpt, "--classifier", cls.toString(), "--data-dir",
                data.toString(), "--samplers", "euler", "--out", curve.toString());
        assertEquals(USAGE, bad.exitCode());
        assertTrue(bad.err().contains("--samplers: 'euler'"), bad.err());
    }

    /** Two same-seed runs in one JVM: the engine's reductions may round differently once compiled. */
    private static final double SAME_RUN_TOLERANCE = 1e-3;

    private static double maxDifference(float[] a, int fromA, float[] b, int fromB, int length) {
        double max = 0;
        for (int i = 0; i < length; i++) {
            max = Math.max(max, Math.abs(a[fromA + i] - b[fromB + i]));
        }
        return max;
    }
}
