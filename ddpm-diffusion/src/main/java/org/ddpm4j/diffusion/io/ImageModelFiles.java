package org.ddpm4j.diffusion.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.LossType;
import org.ddpm4j.diffusion.Schedules;
import org.ddpm4j.diffusion.VarianceType;
import org.ddpm4j.diffusion.sample.Sampler;
import org.ddpm4j.nn.UNet;
import org.ddpm4j.nn.UNetConfig;
import org.ddpm4j.nn.io.Checkpoint;
import org.ddpm4j.nn.io.SafeTensors;
import org.ddpm4j.nn.optim.Ema;
import org.ddpm4j.tensor.Backend;

/**
 * Image-model checkpoints that carry what is needed to use them: the U-Net config (as every checkpoint), the
 * linear β schedule and the reverse-process variance, so {@code ddpm sample} and {@code ddpm eval} rebuild model
 * and diffusion from the file alone.
 */
public final class ImageModelFiles {
    public static final String SCHEDULE_KEY = "diffusion_linear_schedule";
    /** The {@link VarianceType}'s name; absent in files written before it was stored: {@code FIXED_LARGE}. */
    public static final String VARIANCE_KEY = "diffusion_variance";

    private ImageModelFiles() {
    }

    /** The metadata entries describing {@code linear(steps, start, end)} and the variance. */
    public static Map<String, String> diffusionMetadata(int steps, double start, double end, VarianceType variance) {
        return Map.of(SCHEDULE_KEY, steps + "," + start + "," + end, VARIANCE_KEY, variance.name());
    }

    /** A trained model with its EMA weights swapped in, and its diffusion. */
    public record Loaded(UNet model, GaussianDiffusion diffusion, long step) {
        /** A sampler over at most {@code steps} evenly respaced steps of the model's T (all of them if more). */
        public Sampler sampler(int steps) {
            return new Sampler(diffusion).respaced(Math.min(steps, diffusion.schedule().steps()));
        }
    }

    /** The loss image models are trained with: L_simple (DDPM), or the hybrid when the variance is learned. */
    public static LossType lossFor(VarianceType variance) {
        return variance == VarianceType.LEARNED_RANGE ? LossType.HYBRID : LossType.SIMPLE;
    }

    /**
     * The model (EMA weights), its diffusion and its step, from a checkpoint written by {@code ddpm train}.
     *
     * @throws IOException for a file that is not such a checkpoint, naming what is missing or invalid
     */
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
            VarianceType variance = VarianceType.valueOf(meta.getOrDefault(VARIANCE_KEY, VarianceType.FIXED_LARGE.name()));
            diffusion = GaussianDiffusion.builder().schedule(Schedules.linear(Integer.parseInt(parts[0]),
                    Double.parseDouble(parts[1]), Double.parseDouble(parts[2]))).varianceType(variance)
                    .lossType(lossFor(variance)).backend(be).build();
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": metadata " + SCHEDULE_KEY + " '" + sched + "' or " + VARIANCE_KEY + " '"
                    + meta.get(VARIANCE_KEY) + "' is not valid: " + e.getMessage(), e);
        }
        UNet model = new UNet(cfg, be, new SplittableRandom(0));
        Ema ema = new Ema(model.parameters(), 0.5);
        long step = Checkpoint.restore(file, model, cfg, ema, null).step();
        ema.swap();
        return new Loaded(model, diffusion, step);
    }
}
