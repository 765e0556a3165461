package org.ddpm4j.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.data.Idx;
import org.ddpm4j.diffusion.data.ImageDatasets;
import org.ddpm4j.diffusion.io.ImageGrid;
import org.ddpm4j.tensor.Tensor;
import java.util.Map;
import java.util.SplittableRandom;
import org.ddpm4j.diffusion.io.ImageModelFiles;
import org.ddpm4j.nn.UNet;
import org.ddpm4j.nn.UNetConfig;
import org.ddpm4j.nn.io.Checkpoint;
import org.ddpm4j.nn.optim.Ema;
import org.ddpm4j.tensor.ScalarBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDataTest {
    @TempDir
    Path dir;

    @Test
    void mnistFormatFilesArePaddedAndScaled() throws IOException {
        byte[] pixels = new byte[2 * 28 * 28];
        pixels[0] = (byte) 255;          // image 0, top-left pixel
        pixels[28 * 28 + 27] = (byte) 0;  // image 1, a black pixel
        write(dir.resolve("train-images-idx3-ubyte.gz"), 0x803, new int[] {2, 28, 28}, pixels, true);
        write(dir.resolve("train-labels-idx1-ubyte"), 0x801, new int[] {2}, new byte[] {3, 9}, false);
        Dataset d = ImageDatasets.mnistFormat(dir, true);
        assertEquals(2, d.size());
        assertEquals(10, d.numClasses());
        assertEquals(9, d.label(1));
        Tensor x = d.all();
        assertTrue(x.hasShape(2, 1, 32, 32));
        assertEquals(1f, x.get(2 * 32 + 2), 0f, "pixel (0,0) lands at (2,2) of the padded image, 255 -> 1");
        assertEquals(-1f, x.get(0), 0f, "padding is black");
    }

    @Test
    void badIdxFilesGiveClearErrors() throws IOException {
        Path wrongMagic = dir.resolve("a");
        write(wrongMagic, 0x903, new int[] {1, 2, 2}, new byte[4], false);
        assertTrue(assertThrows(IOException.class, () -> Idx.read(wrongMagic)).getMessage().contains("bad IDX magic"));
        Path truncated = dir.resolve("b");
        write(truncated, 0x803, new int[] {2, 2, 2}, new byte[5], false);
        String msg = assertThrows(IOException.class, () -> Idx.read(truncated)).getMessage();
        assertTrue(msg.contains("truncated") && msg.contains("8"), msg);
        write(dir.resolve("t10k-images-idx3-ubyte"), 0x803, new int[] {2, 28, 28}, new byte[2 * 784], false);
        write(dir.resolve("t10k-labels-idx1-ubyte"), 0x801, new int[] {3}, new byte[3], false);
        msg = assertThrows(IOException.class, () -> ImageDatasets.mnistFormat(dir, false)).getMessage();
        assertTrue(msg.contains("2 images") && msg.contains("3 labels"), msg);
    }

    @Test
    void imageCheckpointsRebuildTheirDiffusion() throws IOException {
        UNetConfig cfg = new UNetConfig(1, 32, new int[] {1, 2}, 1, java.util.Set.of(4), 0f, 8, 0, true);
        UNet net = new UNet(cfg, new ScalarBackend(), new SplittableRandom(1));
        Path learned = dir.resolve("learned.safetensors"), old = dir.resolve("old.safetensors"), bad = dir.resolve("bad.safetensors");
        Ema ema = new Ema(new ScalarBackend(), net.parameters(), 0.9);
        Checkpoint.save(learned, net, cfg, ema, null, 7, GaussianDiffusion.builder()
                .schedule(Schedules.linear(100, 1e-4, 0.02)).varianceType(VarianceType.LEARNED_RANGE)
                .lossType(LossType.HYBRID).build().checkpointMetadata());
        ImageModelFiles.Loaded l = ImageModelFiles.loadForSampling(learned, new ScalarBackend());
        assertTrue(l.diffusion().learnsVariance() && l.step() == 7 && l.diffusion().schedule().steps() == 100);
        Checkpoint.save(old, net, cfg, ema, null, 7, Map.of(DiffusionMetadata.LEGACY_SCHEDULE_KEY, "100,1e-4,0.02"));
        assertEquals(VarianceType.FIXED_LARGE, ImageModelFiles.loadForSampling(old, new ScalarBackend()).diffusion().varianceType(),
                "files from before the variance was stored");
        Checkpoint.save(bad, net, cfg, ema, null, 7, Map.of(DiffusionMetadata.LEGACY_SCHEDULE_KEY, "100,1e-4,0.02",
                DiffusionMetadata.LEGACY_VARIANCE_KEY, "WOBBLY"));
        String msg = assertThrows(IOException.class, () -> ImageModelFiles.loadForSampling(bad, new ScalarBackend())).getMessage();
        assertTrue(msg.contains("WOBBLY") && msg.contains(DiffusionMetadata.LEGACY_VARIANCE_KEY), msg);
    }

    @Test
    void gridPngHasOneTilePerImage() throws IOException {
        Tensor x = Tensor.zeros(5, 1, 8, 8).fill(1f);
        Path png = dir.resolve("g.png");
        ImageGrid.write(png, x, 3);
        var img = ImageIO.read(png.toFile());
        assertEquals(3 * 10 + 2, img.getWidth());
        assertEquals(2 * 10 + 2, img.getHeight());
        assertEquals(0xffffff, img.getRGB(2, 2) & 0xffffff, "value 1 is white");
    }

    private static void write(Path file, int magic, int[] dims, byte[] data, boolean gzip) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(magic);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        }
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(bytes.toByteArray());
        }
    }
}
