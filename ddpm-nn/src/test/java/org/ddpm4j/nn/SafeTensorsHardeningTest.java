package org.ddpm4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.ddpm4j.nn.io.SafeTensors;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 19's rows for safetensors files: sizes that wrap, text after the header, and what a save leaves behind. */
class SafeTensorsHardeningTest {
    @TempDir
    Path dir;

    @Test
    void aShapeWhoseElementCountWrapsIsRefused() throws IOException {
        // 65536^4 = 2^64: a 64-bit product wraps to 0, which matched the empty data_offsets [0, 0].
        Path f = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[65536,65536,65536,65536],\"data_offsets\":[0,0]}}", 0);
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains("needs more than 2^33 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void anEmptyTensorWithLargeDimensionsStillLoads() throws IOException {
        Path f = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[65536,0,65536],\"data_offsets\":[0,0]}}", 0);
        assertEquals(0, SafeTensors.read(f).tensors().get("w").size());
    }

    @Test
    void textAfterTheHeaderJsonIsRefused() throws IOException {
        Path f = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}} {\"x\":1}", 4);
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains("not valid JSON") && e.getMessage().contains("railing"), e.getMessage());
    }

    @Test
    void aTensorNamedTwiceIsRefused() throws IOException {
        Path f = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8);
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains("Duplicate field 'w'"), e.getMessage());
    }

    @Test
    void aStaleTemporaryFileFromAKilledSaveIsGoneAfterTheNextSave() throws IOException {
        Path target = dir.resolve("run.safetensors");
        Path stale = SafeTensors.temporaryFile(target);
        assertEquals(dir.resolve(".run.safetensors.tmp"), stale, "the temporary file is named predictably");
        Files.write(stale, new byte[1 << 16]);
        SafeTensors.write(target, Map.of("w", Tensor.of(new float[] {1, 2}, 2)), Map.of());
        assertFalse(Files.exists(stale));
        assertEquals(2, SafeTensors.read(target).tensors().get("w").size());
    }

    @Test
    void aSavedFileGetsTheModeOfAnyNewFile() throws IOException {
        Path target = dir.resolve("run.safetensors"), plain = Files.createFile(dir.resolve("plain"));
        SafeTensors.write(target, Map.of("w", Tensor.of(new float[] {1}, 1)), Map.of());
        // Both are created under the same umask; createTempFile would have made the checkpoint 0600.
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(target));
    }

    /** A file with {@code header} (padded to a multiple of 8) and {@code dataBytes} zero bytes of data. */
    private Path file(String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) {
            b.put((byte) ' ');
        }
        Path f = dir.resolve("t.safetensors");
        Files.write(f, b.array());
        return f;
    }
}
