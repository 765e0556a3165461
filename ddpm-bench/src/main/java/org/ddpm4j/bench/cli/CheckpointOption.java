package org.ddpm4j.bench.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.ddpm4j.diffusion.io.ImageModelFiles;
import org.ddpm4j.tensor.Backend;
import picocli.CommandLine.Option;

/** The trained image model a command works with: {@code --checkpoint FILE} as written by {@code ddpm train}. */
public final class CheckpointOption {
    @Option(names = "--checkpoint", required = true, description = "checkpoint written by ddpm train")
    Path file;

    /** Checks the option before the command starts work. */
    void check(OptionChecks checks) {
        checks.readableFile("--checkpoint", file);
    }

    /** The model with its EMA weights and its diffusion, validated. */
    ImageModelFiles.Loaded load(Backend be) throws IOException {
        return ImageModelFiles.loadForSampling(file, be);
    }
}
