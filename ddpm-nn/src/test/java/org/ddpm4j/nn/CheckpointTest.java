package org.ddpm4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ddpm4j.nn.io.Checkpoint;
import org.ddpm4j.nn.io.SafeTensors;
import org.ddpm4j.nn.optim.Adam;
import org.ddpm4j.nn.optim.Ema;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    @Test
    void roundTripIsBitExactForModelEmaAndAdam() throws IOException {
        UNet net = TinyModels.tinyUNet(new ScalarBackend(), 2, 3);
        Ema ema = new Ema(new ScalarBackend(), net.parameters(), 0.9);
        Adam adam = Adam.ddpm(new ScalarBackend(), net.parameters());
        for (Parameter p : net.parameters()) {
            p.grad().fill(0.01f);
        }
        adam.step();
        ema.update();
        Path file = dir.resolve("ckpt.safetensors");
        Checkpoint.save(file, net, net.config(), ema, adam, 42, Map.of("training_config", "{\"lr\":0.0002}"));
        assertEquals(List.of("ckpt.safetensors"), listDir(), "no temporary file is left behind");

        UNet other = TinyModels.tinyUNet(new ScalarBackend(), 2, 99);
        Ema otherEma = new Ema(new ScalarBackend(), other.parameters(), 0.9);
        Adam otherAdam = Adam.ddpm(new ScalarBackend(), other.parameters());
        Checkpoint.Info info = Checkpoint.restore(file, other, other.config(), otherEma, otherAdam);
        assertEquals(42, info.step());
        assertEquals("{\"lr\":0.0002}", info.metadata().get("training_config"));
        assertEquals(1, otherAdam.stepCount());
        for (int i = 0; i < net.parameters().size(); i++) {
            assertArrayEquals(net.parameters().get(i).value().toArray(), other.parameters().get(i).value().toArray());
            assertArrayEquals(ema.shadow().get(i).toArray(), otherEma.shadow().get(i).toArray());
            assertArrayEquals(adam.firstMoments().get(i).toArray(), otherAdam.firstMoments().get(i).toArray());
            assertArrayEquals(adam.secondMoments().get(i).toArray(), otherAdam.secondMoments().get(i).toArray());
        }
    }

    @Test
    void aCheckpointOfAnotherModelConfigIsRefused() throws IOException {
        UNet net = TinyModels.tinyUNet(new ScalarBackend(), 0, 3);
        Path file = dir.resolve("a.safetensors");
        Checkpoint.save(file, net, net.config(), null, null, 1, Map.of());
        UNet conditional = TinyModels.tinyUNet(new ScalarBackend(), 4, 3);
        IOException e = assertThrows(IOException.class,
                () -> Checkpoint.restore(file, conditional, conditional.config(), null, null));
        assertTrue(e.getMessage().contains("model config"), e.getMessage());
    }

    @Test
    void aConfigWrittenBeforeLearnedVarianceExistedStillMatches() throws IOException {
        UNet net = TinyModels.tinyUNet(new ScalarBackend(), 0, 3);
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        Map<?, ?> oldConfig = json.convertValue(net.config(), Map.class);
        assertTrue(oldConfig.remove("learnedVariance") != null, oldConfig.toString());
        Path file = dir.resolve("old.safetensors");
        Checkpoint.save(file, net, net.config(), null, null, 1, Map.of());
        SafeTensors.Contents saved = SafeTensors.read(file);
        Map<String, String> meta = new java.util.LinkedHashMap<>(saved.metadata());
        meta.put("model_config", json.writeValueAsString(oldConfig)); // as written before the component existed
        SafeTensors.write(file, saved.tensors(), meta);
        Checkpoint.restore(file, net, net.config(), null, null);
        UNet learned = new UNet(net.config().withLearnedVariance(true), new ScalarBackend(), new java.util.SplittableRandom(3));
        assertThrows(IOException.class, () -> Checkpoint.restore(file, learned, learned.config(), null, null));
    }

    @Test
    void truncatedCorruptedAndHostileFilesGiveClearErrors() throws IOException {
        Path good = dir.resolve("good.safetensors");
        SafeTensors.write(good, Map.of("w", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3)), Map.of("k", "v"));
        byte[] bytes = Files.readAllBytes(good);
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();

        expectError(java.util.Arrays.copyOf(bytes, 5), "too short");
        expectError(java.util.Arrays.copyOf(bytes, bytes.length - 4), "data_offsets");
        expectError(withLength(bytes, 1L << 40), "header length");
        byte[] badJson = bytes.clone();
        badJson[8] = 'x';
        expectError(badJson, "not valid JSON");
        String header = new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8);
        expectError(withHeader(bytes, header.replace("F32", "F64")), "dtype 'F64'");
        expectError(withHeader(bytes, header.replace("[2,3]", "[3,3]")), "needs 36 bytes");
        expectError(withHeader(bytes, header.replace("[0,24]", "[0,28]")), "data_offsets");
        expectError(withHeader(bytes, header.replace("[2,3]", "[-2,3]")), "bad dimension");
        byte[] trailing = java.util.Arrays.copyOf(bytes, bytes.length + 4);
        expectError(trailing, "data bytes");
    }

    private void expectError(byte[] content, String fragment) throws IOException {
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, content);
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should mention '" + fragment + "'");
        assertTrue(e.getMessage().contains(f.toString()), "the error names the file: " + e.getMessage());
    }

    private static byte[] withLength(byte[] bytes, long length) {
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(length);
        return copy;
    }

    /** Replaces the header by one of the same length (so the data section stays where it was). */
    private static byte[] withHeader(byte[] bytes, String header) {
        long oldLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String padded = (header.strip() + " ".repeat((int) oldLen)).substring(0, (int) oldLen);
        byte[] copy = bytes.clone();
        System.arraycopy(padded.getBytes(StandardCharsets.UTF_8), 0, copy, 8, (int) oldLen);
        return copy;
    }

    private List<String> listDir() throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
