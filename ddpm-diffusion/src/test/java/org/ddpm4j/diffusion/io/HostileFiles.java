package org.ddpm4j.diffusion.io;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.Schedules;
import org.ddpm4j.nn.UNet;
import org.ddpm4j.nn.UNetConfig;
import org.ddpm4j.nn.io.Checkpoint;
import org.ddpm4j.nn.io.SafeTensors;
import org.ddpm4j.nn.optim.Ema;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;

/** Valid and hostile input files for the hardening tests and the fuzz test. */
final class HostileFiles {
    private HostileFiles() {
    }

    /** The smallest U-Net the config allows: ch 32, one level, one block, 4×4 images. */
    static UNetConfig tinyConfig() {
        return new UNetConfig(1, 32, new int[] {1}, 1, Set.of(), 0f, 4, 0);
    }

    /** A valid image-model checkpoint of {@link #tinyConfig()} with a 10-step schedule, as {@code ddpm train} writes. */
    static void tinyCheckpoint(Path file) throws IOException {
        UNet net = new UNet(tinyConfig(), new ScalarBackend(), new SplittableRandom(3));
        Checkpoint.save(file, net, tinyConfig(), new Ema(new ScalarBackend(), net.parameters(), 0.9), null, 5,
                GaussianDiffusion.builder().schedule(Schedules.linear(10, 1e-4, 0.02)).build().checkpointMetadata());
    }

    /**
     * A checkpoint of a few hundred bytes whose metadata declares a U-Net of base channel count {@code channels} and
     * a linear schedule of {@code steps} steps (the format before the whole diffusion was recorded).
     */
    static void smallCheckpointDeclaring(Path file, int channels, long steps) throws IOException {
        UNetConfig declared = tinyConfig().withChannels(channels);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", Checkpoint.FORMAT);
        meta.put("step", "1");
        meta.put("model_config", new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(declared));
        meta.put("diffusion_linear_schedule", steps + ",1e-4,0.02");
        SafeTensors.write(file, Map.of("head.weight", Tensor.zeros(2, 2)), meta);
    }

    /** An IDX file of unsigned bytes: magic, dimensions, data; gzip-compressed when asked. */
    static void idx(Path file, int[] dims, byte[] data, boolean gzip) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(0x800 | dims.length);
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
