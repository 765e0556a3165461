package org.ddpm4j.bench.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ddpm} command line. */
@Command(name = "ddpm", mixinStandardHelpOptions = true, version = "ddpm4j 0.1.0",
        description = "Train, sample, evaluate and benchmark denoising diffusion models on the JVM.",
        subcommands = {DemoCommand.class, TrainCommand.class, SampleCommand.class, EvalCommand.class, InpaintCommand.class,
                DenoiseCommand.class, HeartbeatCommand.class, ClassifierCommand.class, QualityCommand.class,
                ReportCommand.class,
                BenchCommand.class})
public final class DdpmCommand implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling: what {@link #main} runs. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new DdpmCommand());
        // Bad input (a missing file, a corrupt checkpoint, a wrong option value) is reported in one line, not a trace.
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof java.io.IOException || e instanceof IllegalArgumentException
                    || e instanceof java.io.UncheckedIOException) {
                String what = e instanceof java.nio.file.NoSuchFileException ? "no such file: " + e.getMessage() : e.getMessage();
                cmd.getErr().println("ddpm " + cmd.getCommandName() + ": " + what);
                return 2;
            }
            if (e instanceof org.ddpm4j.tensor.NonFiniteException) {
                // Not the user's input but the run itself: a diverged training step, NaN samples.
                cmd.getErr().println("ddpm " + cmd.getCommandName() + ": " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cli;
    }
}
