package org.ddpm4j.bench.cli;

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

/** {@code ddpm export}: a training checkpoint's EMA weights alone, for sampling and evaluation (a third of the size). */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a checkpoint's EMA weights alone (no optimizer state), for sampling and evaluation.")
public final class ExportCommand implements Callable<Integer> {
    @Mixin
    CheckpointOption checkpoint;

    @Option(names = "--out", required = true, description = "the file to write")
    Path out;

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
        checks.writableFile("--out", out);
        Backend be = run.backend();
        ImageModelFiles.Loaded loaded = checkpoint.load(be);
        ImageModelFiles.writeForSampling(out, loaded, note == null ? Map.of() : Map.of("note", note));
        System.out.println("wrote the EMA weights of " + checkpoint.describe() + " (step " + loaded.step() + ") to "
                + out.toAbsolutePath());
        be.shutdown();
        return 0;
    }
}
