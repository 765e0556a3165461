package org.ddpm4j.diffusion.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.ddpm4j.diffusion.data.Idx;
import org.ddpm4j.diffusion.data.ImageDatasets;
import org.ddpm4j.diffusion.data.ImageFolder;
import org.ddpm4j.nn.io.SafeTensors;
import org.ddpm4j.tensor.ForkedJvm;
import org.ddpm4j.tensor.ScalarBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 19's rows for data and checkpoint files: declared sizes, trailing bytes, and errors that name the file. */
class HostileInputTest {
    /** The heap the small-heap loads run under: far below any of the sizes the files declare. */
    private static final String SMALL_HEAP = "-Xmx64m";

    @TempDir
    Path dir;

    @Test
    void filesDeclaringGigabytesAreRefusedBeforeAllocatingUnderASmallHeap() throws Exception {
        ForkedJvm.Result r = ForkedJvm.run(SmallHeapLoadMain.class, List.of(SMALL_HEAP), List.of());
        assertEquals(0, r.exitCode(), r.output());
        String out = r.output();
        assertTrue(out.contains("idx size 16"), "a 16-byte IDX file: " + out);
        assertTrue(out.contains("idx REFUSED") && out.contains("declare 2100000000 data bytes"), out);
        assertTrue(out.contains("idx.gz REFUSED") && out.contains("data ends after 1000"), out);
        assertTrue(out.contains("channels 4096 REFUSED") && out.contains("describes a U-Net of"), out);
        assertTrue(out.contains("steps 2e9 REFUSED") && out.contains("2000000000"), out);
        long wideSize = Long.parseLong(out.lines().filter(l -> l.startsWith("channels 4096 size ")).findFirst()
                .orElseThrow().substring("channels 4096 size ".length()));
        assertTrue(wideSize < 1024, "the checkpoint declaring channels 4096 has " + wideSize + " bytes");
    }

    @Test
    void idxDimensionsWhoseProductWrapsAreRefused() throws IOException {
        Path f = dir.resolve("wrap-idx");
        // 65536^4 = 2^64 wraps to 0 in 64 bits: the empty data section matched it.
        HostileFiles.idx(f, new int[] {65536, 65536, 65536, 65536}, new byte[0], false);
        String msg = assertThrows(IOException.class, () -> Idx.read(f)).getMessage();
        assertTrue(msg.contains("more elements than an array holds") && msg.contains(f.toString()), msg);
    }

    @Test
    void bytesAfterTheIdxDataAreRefused() throws IOException {
        for (boolean gzip : new boolean[] {false, true}) {
            Path f = dir.resolve("extra" + gzip);
            HostileFiles.idx(f, new int[] {2, 2}, new byte[5], gzip);
            String msg = assertThrows(IOException.class, () -> Idx.read(f)).getMessage();
            assertTrue(msg.contains("bytes after the data") || msg.contains("bytes after the 4 data bytes"), msg);
            assertTrue(msg.contains(f.toString()), msg);
        }
    }

    @Test
    void aCorruptGzipFileIsNamedInTheError() throws IOException {
        Path good = dir.resolve("good.gz");
        HostileFiles.idx(good, new int[] {100, 100}, new byte[10000], true);
        byte[] bytes = Files.readAllBytes(good);
        for (int i = 12; i < bytes.length - 8; i++) {
            bytes[i] ^= 0x5a;
        }
        HostileFiles.idx(dir.resolve("train-labels-idx1-ubyte"), new int[] {100}, new byte[100], false);
        Path bad = dir.resolve("train-images-idx3-ubyte.gz");
        Files.write(bad, bytes);
        String msg = assertThrows(IOException.class, () -> Idx.read(bad)).getMessage();
        assertTrue(msg.startsWith(bad.toString()), msg);
        msg = assertThrows(IOException.class, () -> ImageDatasets.mnistFormat(dir, true)).getMessage();
        assertTrue(msg.contains(bad.toString()), msg);
    }

    @Test
    void aTruncatedPngIsNamedInTheError() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("images")), png = folder.resolve("cut.png");
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 64 * 64; i++) {
            img.setRGB(i % 64, i / 64, i * 0x9E3779B9); // noise: the PNG does not compress to nothing
        }
        ImageIO.write(img, "png", png.toFile());
        byte[] bytes = Files.readAllBytes(png);
        Files.write(png, Arrays.copyOf(bytes, bytes.length / 2));
        String msg = assertThrows(IOException.class, () -> ImageFolder.load(folder, 8, true)).getMessage();
        assertTrue(msg.startsWith(png.toString()), msg);
    }

    @Test
    void aModelConfigThatIsNotJsonIsNamedInTheError() throws IOException {
        Path ckpt = dir.resolve("ckpt.safetensors");
        HostileFiles.tinyCheckpoint(ckpt);
        SafeTensors.Contents c = SafeTensors.read(ckpt);
        Map<String, String> meta = new java.util.LinkedHashMap<>(c.metadata());
        meta.put("model_config", "{\"channels\": 32,");
        SafeTensors.write(ckpt, c.tensors(), meta);
        String msg = assertThrows(IOException.class,
                () -> ImageModelFiles.loadForSampling(ckpt, new ScalarBackend())).getMessage();
        assertTrue(msg.startsWith(ckpt.toString()) && msg.contains("model_config"), msg);
    }

    @Test
    void theTinyCheckpointLoads() throws IOException {
        Path ckpt = dir.resolve("ok.safetensors");
        HostileFiles.tinyCheckpoint(ckpt);
        assertEquals(5, ImageModelFiles.loadForSampling(ckpt, new ScalarBackend()).step());
    }
}
