package org.ddpm4j.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.ddpm4j.diffusion.io.NpyImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ddpm export --diffusers} and {@code --pretrained}: the shipped model through diffusers' layout and back. */
class DiffusersCliTest {
    /** In [−1, 1] pixel units: float rounding, far below one 8-bit level (2/255). */
    private static final double SAME_IMAGES_TOLERANCE = 1e-4;
    @TempDir
    Path dir;

    @Test
    void theEmbeddedModelExportedToDiffusersSamplesTheSameImages() throws Exception {
        Path exported = dir.resolve("fashion-mnist-diffusers");
        CliRun export = CliRun.ddpm("export", "--diffusers", exported.toString(), "--threads", "2");
        assertEquals(0, export.exitCode(), export.err());
        for (String f : new String[] {"config.json", "diffusion_pytorch_model.safetensors", "scheduler_config.json"}) {
            assertTrue(Files.isRegularFile(exported.resolve(f)), f);
        }
        Path direct = dir.resolve("direct.npy"), viaDiffusers = dir.resolve("diffusers.npy");
        CliRun a = CliRun.ddpm("sample", "--n", "2", "--steps", "4", "--seed", "9", "--npy", direct.toString(),
                "--out", dir.resolve("a.png").toString(), "--threads", "2");
        CliRun b = CliRun.ddpm("sample", "--pretrained", exported.toString(), "--n", "2", "--steps", "4", "--seed", "9",
                "--npy", viaDiffusers.toString(), "--out", dir.resolve("b.png").toString(), "--threads", "2");
        assertEquals(0, a.exitCode(), a.err());
        assertEquals(0, b.exitCode(), b.err());
        // The same weights, diffusion and noise: the same images up to float rounding (the multithreaded kernels
        // do not fix their summation order from run to run).
        float[] x = NpyImages.read(direct).toArray(), y = NpyImages.read(viaDiffusers).toArray();
        assertEquals(x.length, y.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i], y[i], SAME_IMAGES_TOLERANCE, "pixel " + i);
        }
    }

    @Test
    void badOptionsAreNamed() {
        CliRun both = CliRun.ddpm("sample", "--pretrained", dir.toString(), "--checkpoint", dir.resolve("x").toString(),
                "--out", dir.resolve("a.png").toString());
        assertNotEquals(0, both.exitCode());
        CliRun noDir = CliRun.ddpm("sample", "--pretrained", dir.resolve("absent").toString(), "--out",
                dir.resolve("a.png").toString());
        assertTrue(noDir.err().contains("--pretrained") && noDir.err().contains("no such directory"), noDir.err());
        CliRun empty = CliRun.ddpm("sample", "--pretrained", dir.toString(), "--out", dir.resolve("a.png").toString());
        assertNotEquals(0, empty.exitCode());
        assertTrue(empty.err().contains("config.json"), empty.err());
        CliRun nonFinite = CliRun.ddpm("sample", "--pretrained", dir.toString(), "--allow-non-finite", "--out",
                dir.resolve("a.png").toString());
        assertTrue(nonFinite.err().contains("--allow-non-finite"), nonFinite.err());
        CliRun neither = CliRun.ddpm("export");
        assertTrue(neither.err().contains("--out FILE and --diffusers DIR"), neither.err());
    }
}
