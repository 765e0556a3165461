package org.ddpm4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ddpm4j.nn.io.Checkpoint;
import org.ddpm4j.nn.io.SafeTensors;
import org.ddpm4j.tensor.NonFiniteException;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints never hold NaN or infinities: saving one is refused and leaves the last file, loading one is refused. */
class CheckpointNonFiniteTest {
    @TempDir
    Path dir;

    @Test
    void aModelWithANonFiniteWeightIsNotSavedOverTheLastCheckpoint() throws IOException {
        UNet net = TinyModels.tinyUNet(new ScalarBackend(), 0, 3);
        Path file = dir.resolve("run.safetensors");
        Checkpoint.save(file, net, net.config(), null, null, 10, Map.of());
        byte[] good = Files.readAllBytes(file);
        Parameter broken = net.parameters().get(2);
        broken.value().set(1, Float.POSITIVE_INFINITY);

        NonFiniteException e = assertThrows(NonFiniteException.class,
                () -> Checkpoint.save(file, net, net.config(), null, null, 11, Map.of()));
        assertTrue(e.getMessage().contains("'" + broken.name() + "'") && e.getMessage().contains("Infinity")
                && e.getMessage().contains(file.toString()), e.getMessage());
        assertArrayEquals(good, Files.readAllBytes(file), "the last good checkpoint is untouched");
    }

    @Test
    void aCheckpointHoldingNaNIsRefusedWithTheTensorsName() throws IOException {
        UNet net = TinyModels.tinyUNet(new ScalarBackend(), 0, 3);
        Path file = dir.resolve("nan.safetensors");
        Checkpoint.save(file, net, net.config(), null, null, 5, Map.of());
        SafeTensors.Contents saved = SafeTensors.read(file);
        Map<String, Tensor> tensors = new LinkedHashMap<>(saved.tensors());
        String name = net.parameters().get(0).name();
        Tensor poisoned = tensors.get(name).copy();
        poisoned.set(0, Float.NaN);
        tensors.put(name, poisoned);
        SafeTensors.write(file, tensors, saved.metadata()); // written around Checkpoint, as another tool might

        UNet other = TinyModels.tinyUNet(new ScalarBackend(), 0, 4);
        IOException e = assertThrows(IOException.class,
                () -> Checkpoint.restore(file, other, other.config(), null, null));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("'" + name + "'")
                && e.getMessage().contains("NaN"), e.getMessage());
    }
}
