package org.ddpm4j.diffusion.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** .npy images: every accepted layout and dtype read alike, and each malformed file refused by name. */
class NpyImagesTest {
    @TempDir
    Path dir;

    @Test
    void writtenTensorsReadBackExactlyAndChannelsLastIsTransposed() throws IOException {
        float[] v = {-1f, -0.5f, 0f, 0.25f, 0.5f, 1f, 0.75f, -0.25f, 0.125f, -0.125f, 0.375f, -0.375f};
        Path nchw = dir.resolve("a.npy");
        NpyWriter.write(nchw, Tensor.of(v, 1, 3, 2, 2));
        assertArrayEquals(v, NpyImages.read(nchw).toArray());
        assertArrayEquals(new int[] {1, 3, 2, 2}, NpyImages.read(nchw).shape());
        // The same image stored [N, H, W, C]: element (h, w, c) at (h·W + w)·C + c.
        float[] nhwc = new float[12];
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < 4; p++) {
                nhwc[p * 3 + c] = v[c * 4 + p];
            }
        }
        Path last = dir.resolve("b.npy");
        NpyWriter.write(last, Tensor.of(nhwc, 1, 2, 2, 3));
        assertArrayEquals(v, NpyImages.read(last).toArray());
    }

    @Test
    void uint8PixelsAreScaledToTheModelRange() throws IOException {
        Path f = dir.resolve("u8.npy");
        NpyWriter.write(f, "|u1", new int[] {2, 1, 2}, new byte[] {0, (byte) 255, (byte) 128, 64});
        Tensor t = NpyImages.read(f);
        assertArrayEquals(new int[] {2, 1, 1, 2}, t.shape());
        assertEquals(-1f, t.get(0));
        assertEquals(1f, t.get(1));
        assertEquals(128 / 127.5f - 1f, t.get(2), 1e-7);
    }

    @Test
    void malformedFilesAreRefusedNamingTheFileAndTheFault() throws IOException {
        Path good = dir.resolve("good.npy");
        NpyWriter.write(good, Tensor.zeros(2, 1, 4, 4));
        byte[] bytes = Files.readAllBytes(good);
        String header = new String(bytes, 10, bytes.length - 10 - 128, StandardCharsets.ISO_8859_1);
        assertRefused(java.util.Arrays.copyOf(bytes, bytes.length - 4), "needs 128 bytes");
        assertRefused(java.util.Arrays.copyOf(bytes, bytes.length + 4), "the file has 132");
        assertRefused(java.util.Arrays.copyOf(bytes, 7), "ends inside the header");
        assertRefused("GIF89a-not-numpy".getBytes(StandardCharsets.ISO_8859_1), "not a .npy file");
        assertRefused(replace(bytes, "<f4", ">f4"), "dtype '>f4'");
        assertRefused(replace(bytes, "'fortran_order': False", "'fortran_order': True "), "Fortran");
        assertRefused(replace(bytes, "(2, 1, 4, 4)", "(2, 5, 4, 4)"), "not a batch of images");
        byte[] longHeader = bytes.clone();
        longHeader[8] = (byte) 0xff;
        longHeader[9] = (byte) 0x7f;
        assertRefused(longHeader, "header length 32767");
        assertTrue(header.contains("'shape': (2, 1, 4, 4)"), header);
    }

    @Test
    void floatsOutsideTheModelRangeAreRefusedWithTheFix() throws IOException {
        Path f = dir.resolve("unit.npy");
        NpyWriter.write(f, Tensor.of(new float[] {0f, 0.5f, 1f, 1.5f}, 1, 1, 2, 2));
        IOException e = assertThrows(IOException.class, () -> NpyImages.read(f));
        assertTrue(e.getMessage().contains("[-1, 1]") && e.getMessage().contains("1.5"), e.getMessage());
    }

    private void assertRefused(byte[] content, String fragment) throws IOException {
        Path f = Files.write(dir.resolve("bad.npy"), content);
        IOException e = assertThrows(IOException.class, () -> NpyImages.read(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains(fragment), e.getMessage());
    }

    private static byte[] replace(byte[] file, String from, String to) {
        String s = new String(file, StandardCharsets.ISO_8859_1);
        assertEquals(from.length(), to.length(), "keeps the header length");
        return s.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
    }
}
