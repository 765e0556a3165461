package org.ddpm4j.bench.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ddpm4j.diffusion.io.ImageModelFiles;
import org.ddpm4j.tensor.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ddpm export}: a training checkpoint's EMA weights alone, for sampling and evaluation (a third of the size),
 * as a ddpm4j file or in diffusers' layout for PyTorch users.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a checkpoint's EMA weights alone (no optimizer state), for sampling and evaluation, as a "
                + "ddpm4j file (--out) or a diffusers model directory (--diffusers).")
public final class ExportCommand implements Callable<Integer> {
    @Mixin
    CheckpointOption checkpoint;

    @Option(names = "--out", description = "the ddpm4j file to write")
    Path out;

    @Option(names = "--diffusers", description = "the directory to write in diffusers' layout (config.json, "
            + "diffusion_pytorch_model.safetensors, scheduler_config.json), which UNet2DModel.from_pretrained and "
            + "DDPMScheduler.from_pretrained load")
    Path diffusers;

    @Option(names = "--note", description = "a line stored in the file's metadata, e.g. how the model was trained")
    String note;

    @Mixin
    RunOptions run;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        OptionChecks checks = new OptionChecks(spec.commandLine());
        run.check(checks);
        checkpoint.check(checks);
        checks.require((out == null) != (diffusers == null), "give one of --out FILE and --diffusers DIR");
        checks.writableFile("--out", out);
        checks.require(diffusers == null || note == null, "--note is stored in ddpm4j files only (--out)");
        checks.require(diffusers == null || !Files.isRegularFile(diffusers), "--diffusers " + diffusers
                + ": is a file, not a directory");
        Backend be = run.backend();
        ImageModelFiles.Loaded loaded = checkpoint.load(be);
        if (diffusers != null) {
            ImageModelFiles.writeDiffusers(diffusers, loaded);
        } else {
            ImageModelFiles.writeForSampling(out, loaded, note == null ? Map.of() : Map.of("note", note));
        }
        System.out.println("wrote the EMA weights of " + checkpoint.describe() + " (step " + loaded.step() + ") to "
                + (out != null ? out : diffusers).toAbsolutePath());
        be.shutdown();
        return 0;
    }
}
