package org.ddpm4j.bench.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.ddpm4j.diffusion.io.ImageModelFiles;
import org.ddpm4j.tensor.Backend;
import picocli.CommandLine.Option;

/**
 * The trained image model a command works with: {@code --checkpoint FILE} as written by {@code ddpm train} or
 * {@code ddpm export}, {@code --pretrained DIR} in diffusers' layout (the published DDPM models), or, without either,
 * the Fashion-MNIST model embedded in the jar (its EMA weights).
 */
public final class CheckpointOption {
    /** The embedded model's resource: the EMA weights of the Fashion-MNIST run described in README. */
    static final String EMBEDDED = "/models/fashion-mnist-ch32.safetensors";

    @Option(names = "--checkpoint", description = "checkpoint written by ddpm train or ddpm export (default: the "
            + "embedded Fashion-MNIST model)")
    Path file;

    @Option(names = "--pretrained", description = "a model directory in diffusers' layout (config.json, "
            + "diffusion_pytorch_model.safetensors, scheduler_config.json; or a pipeline's unet/ and scheduler/), "
            + "e.g. google/ddpm-cifar10-32 from the Hugging Face Hub")
    Path pretrained;

    @Option(names = "--allow-non-finite", description = "load weights holding NaN or infinities (a diverged run's), "
            + "to inspect them; samples and bounds then report the non-finite values they meet")
    boolean allowNonFinite;

    /** Checks the option before the command starts work. */
    void check(OptionChecks checks) {
        if (file != null) {
            checks.readableFile("--checkpoint", file);
        }
        if (pretrained != null) {
            checks.require(file == null, "give --checkpoint or --pretrained, not both");
            checks.require(Files.isDirectory(pretrained), "--pretrained " + pretrained + ": no such directory");
            checks.require(!allowNonFinite, "--allow-non-finite applies to --checkpoint files, not --pretrained");
        }
    }

    /** What the model is, for messages: the file, or the embedded model. */
    String describe() {
        return file != null ? file.toString() : pretrained != null ? pretrained.toString()
                : "the embedded Fashion-MNIST model";
    }

    /** The model with its EMA weights and its diffusion, validated. */
    ImageModelFiles.Loaded load(Backend be) throws IOException {
        if (pretrained != null) {
            return ImageModelFiles.loadDiffusers(pretrained, be);
        }
        if (file != null) {
            return allowNonFinite ? ImageModelFiles.loadAllowingNonFinite(file, be)
                    : ImageModelFiles.loadForSampling(file, be);
        }
        Path copy = Files.createTempFile("ddpm4j-embedded-", ".safetensors");
        try (InputStream in = CheckpointOption.class.getResourceAsStream(EMBEDDED)) {
            if (in == null) {
                throw new IOException("this jar has no embedded model (" + EMBEDDED + "): pass --checkpoint");
            }
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            System.out.println("model: the embedded Fashion-MNIST model (pass --checkpoint for another)");
            return ImageModelFiles.loadForSampling(copy, be);
        } finally {
            Files.deleteIfExists(copy);
        }
    }
}
