package org.ddpm4j.diffusion.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.Schedules;
import org.ddpm4j.nn.UNet;
import org.ddpm4j.nn.UNetConfig;
import org.ddpm4j.nn.io.Checkpoint;
import org.ddpm4j.nn.io.SafeTensors;
import org.ddpm4j.nn.optim.Ema;
import org.ddpm4j.tensor.Backend;

/**
 * Image-model checkpoints that carry what is needed to use them: the U-Net config (as every checkpoint) and the
 * linear β schedule, so {@code ddpm sample} and {@code ddpm eval} rebuild model and diffusion from the file alone.
 */
public final class ImageModelFiles {
    public static final String SCHEDULE_KEY = "diffusion_linear_schedule";

    private ImageModelFiles() {
    }

    /** The metadata entry describing {@code linear(steps, start, end)}. */
    public static Map<String, String> scheduleMetadata(int steps, double start, double end) {
        return Map.of(SCHEDULE_KEY, steps + "," + start + "," + end);
    }

    /** A trained model with its EMA weights swapped in, and its diffusion. */
    public record Loaded(UNet model, GaussianDiffusion diffusion, long step) {
    }

    public static Loaded loadForSampling(Path file, Backend be) throws IOException {
        Map<String, String> meta = SafeTensors.read(file).metadata();
        String cfgJson = meta.get("model_config"), sched = meta.get(SCHEDULE_KEY);
        if (cfgJson == null || sched == null) {
            throw new IOException(file + ": not an image-model checkpoint (needs metadata 'model_config' and '"
                    + SCHEDULE_KEY + "')");
        }
        UNetConfig cfg = new ObjectMapper().readValue(cfgJson, UNetConfig.class);
        String[] parts = sched.split(",");
        if (parts.length != 3) {
            throw new IOException(file + ": metadata " + SCHEDULE_KEY + " is '" + sched + "', expected 'steps,start,end'");
        }
        GaussianDiffusion diffusion;
        try {
            diffusion = GaussianDiffusion.builder().schedule(Schedules.linear(Integer.parseInt(parts[0]),
                    Double.parseDouble(parts[1]), Double.parseDouble(parts[2]))).backend(be).build();
        } catch (NumberFormatException e) {
            throw new IOException(file + ": metadata " + SCHEDULE_KEY + " is '" + sched + "'", e);
        }
        UNet model = new UNet(cfg, be, new SplittableRandom(0));
        Ema ema = new Ema(model.parameters(), 0.5);
        long step = Checkpoint.restore(file, model, cfg, ema, null).step();
        ema.swap();
        return new Loaded(model, diffusion, step);
    }
}
