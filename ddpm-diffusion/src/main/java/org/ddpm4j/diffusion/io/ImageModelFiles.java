package org.ddpm4j.diffusion.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.DiffusionMetadata;
import org.ddpm4j.diffusion.sample.Sampler;
import org.ddpm4j.nn.UNet;
import org.ddpm4j.nn.UNetConfig;
import org.ddpm4j.nn.io.Checkpoint;
import org.ddpm4j.nn.io.DiffusersUNet;
import org.ddpm4j.nn.io.SafeTensors;
import org.ddpm4j.nn.optim.Ema;
import org.ddpm4j.tensor.Backend;

/**
 * Image-model checkpoints that carry what is needed to use them: the U-Net config (as every checkpoint) and the
 * whole diffusion ({@link DiffusionMetadata}), so {@code ddpm sample} and {@code ddpm eval} rebuild model and
 * diffusion from the file alone.
 */
public final class ImageModelFiles {
    private ImageModelFiles() {
    }

    /**
     * A trained model with its EMA weights swapped in, and its diffusion.
     *
     * @param clipX0 whether sampling clips x̂₀ to [−1, 1] (DDPM's code does; a diffusers scheduler may say not to)
     */
    public record Loaded(UNet model, GaussianDiffusion diffusion, long step, boolean clipX0) {
        /** A model whose sampling clips x̂₀, as DDPM's code. */
        public Loaded(UNet model, GaussianDiffusion diffusion, long step) {
            this(model, diffusion, step, true);
        }

        /** A sampler over at most {@code steps} evenly respaced steps of the model's T (all of them if more). */
        public Sampler sampler(int steps) {
            return new Sampler(diffusion).respaced(Math.min(steps, diffusion.schedule().steps())).clipDenoised(clipX0);
        }
    }

    /**
     * A model in diffusers' layout: {@code config.json} and {@code diffusion_pytorch_model.safetensors} of a
     * {@code UNet2DModel} ({@link DiffusersUNet}) beside a {@code scheduler_config.json} ({@link DiffusersScheduler}),
     * as the published DDPM models are, in one directory or as a pipeline's {@code unet/} and {@code scheduler/}.
     */
    public static Loaded loadDiffusers(Path dir, Backend be) throws IOException {
        Path unet = Files.isDirectory(dir.resolve("unet")) ? dir.resolve("unet") : dir;
        Path scheduler = Files.isDirectory(dir.resolve("scheduler")) ? dir.resolve("scheduler") : dir;
        UNetConfig config = DiffusersUNet.readConfig(unet);
        DiffusersScheduler.Scheduler s = DiffusersScheduler.read(scheduler, config.learnedVariance());
        return new Loaded(DiffusersUNet.load(unet, be), s.diffusion(), 0, s.clipSample());
    }

    /** Writes {@code loaded} in diffusers' layout (U-Net config, weights and scheduler config) into {@code dir}. */
    public static void writeDiffusers(Path dir, Loaded loaded) throws IOException {
        DiffusersUNet.save(loaded.model(), dir);
        DiffusersScheduler.write(dir, loaded.diffusion(), loaded.clipX0());
    }

    /**
     * The model (EMA weights), its diffusion and its step, from a checkpoint written by {@code ddpm train} (or any
     * {@link org.ddpm4j.diffusion.train.Trainer} of a U-Net), or from one written by {@link #writeForSampling}.
     *
     * @throws IOException for a file that is not such a checkpoint, naming what is missing or invalid
     */
    public static Loaded loadForSampling(Path file, Backend be) throws IOException {
        return load(file, be, false);
    }

    /**
     * As {@link #loadForSampling(Path, Backend)}, but loading NaN and infinite weights instead of refusing them, to
     * inspect a diverged run (its samples and bound then report the non-finite values they meet).
     */
    public static Loaded loadAllowingNonFinite(Path file, Backend be) throws IOException {
        return load(file, be, true);
    }

    /**
     * Writes the loaded model's weights (the EMA's, as loaded) with its config, diffusion and step, without the EMA
     * and optimizer state training needs: a third of a training checkpoint's size, for sampling and evaluation only.
     */
    public static void writeForSampling(Path file, Loaded loaded, Map<String, String> extra) throws IOException {
        Map<String, String> meta = new java.util.LinkedHashMap<>(extra);
        meta.putAll(DiffusionMetadata.describe(loaded.diffusion()));
        Checkpoint.save(file, loaded.model(), loaded.model().config(), null, null, loaded.step(), meta);
    }

    private static Loaded load(Path file, Backend be, boolean allowNonFinite) throws IOException {
        SafeTensors.Contents contents = SafeTensors.read(file);
        Map<String, String> meta = contents.metadata();
        String cfgJson = meta.get("model_config");
        if (cfgJson == null || !DiffusionMetadata.present(meta)) {
            throw new IOException(file + ": not an image-model checkpoint (needs metadata 'model_config' and '"
                    + DiffusionMetadata.KEY + "')");
        }
        UNetConfig cfg;
        try {
            cfg = new ObjectMapper().readValue(cfgJson, UNetConfig.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IOException(file + ": metadata 'model_config' is not a U-Net config: " + e.getMessage(), e);
        }
        GaussianDiffusion diffusion;
        try {
            diffusion = DiffusionMetadata.gaussian(meta);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        // Before allocating a model: a small file whose config declares a huge network is refused here.
        long declared = cfg.parameterCount(), held = Checkpoint.modelWeightCount(contents);
        if (declared != held) {
            throw new IOException(file + ": metadata 'model_config' describes a U-Net of " + declared
                    + " parameters but the file holds " + held + " model weights");
        }
        UNet model = new UNet(cfg, be, new SplittableRandom(0));
        // A training checkpoint holds the EMA beside the weights; an exported one (ddpm export) only the weights to
        // sample with.
        boolean hasEma = contents.tensors().keySet().stream().anyMatch(k -> k.startsWith(Checkpoint.EMA_PREFIX));
        Ema ema = hasEma ? new Ema(be, model.parameters(), 0.5) : null;
        long step = Checkpoint.restore(file, contents, model, cfg, ema, null, allowNonFinite).step();
        if (ema != null) {
            ema.swap();
        }
        return new Loaded(model, diffusion, step);
    }
}
