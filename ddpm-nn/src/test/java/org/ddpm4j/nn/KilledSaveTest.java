package org.ddpm4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ddpm4j.nn.io.SafeTensors;
import org.ddpm4j.tensor.ForkedJvm;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 during a save, repeated at random points: the last checkpoint always loads whole, and the temporary file a
 * killed save leaves does not survive the next save.
 */
class KilledSaveTest {
    private static final int KILLS = 5;
    /** The longest wait after a save finishes before the kill: a few saves' time. */
    private static final int MAX_DELAY_MS = 200;

    @TempDir
    Path dir;

    @Test
    void theLastCheckpointAlwaysLoadsAndNoTemporaryFileSurvivesTheNextSave() throws Exception {
        Path target = dir.resolve("run.safetensors");
        SplittableRandom rng = new SplittableRandom(19);
        int lastSeen = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            Process p = ForkedJvm.start(SaveLoopMain.class, List.of("-Xmx128m"), List.of(target.toString()), Map.of());
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertTrue(first != null && first.startsWith("saved "), "the saving JVM started: " + first);
            Thread.sleep(rng.nextInt(MAX_DELAY_MS));
            p.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));

            SafeTensors.Contents c = SafeTensors.read(target);
            int step = Integer.parseInt(c.metadata().get("step"));
            float[] w = c.tensors().get("w").toArray();
            assertEquals(SaveLoopMain.VALUES, w.length);
            for (float v : w) {
                assertEquals(step, v, "a checkpoint holds one save's data, never a mix");
            }
            assertTrue(step >= 1, "a completed save is there");
            lastSeen = step;
        }
        SafeTensors.write(target, Map.of("w", Tensor.of(new float[] {lastSeen}, 1)), Map.of("step", "0"));
        assertFalse(Files.exists(SafeTensors.temporaryFile(target)), "the next save removed the stale temporary file");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList(), "nothing else is left in the directory");
        }
    }
}
