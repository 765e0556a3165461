package org.ddpm4j.bench.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ddpm} command line. */
@Command(name = "ddpm", mixinStandardHelpOptions = true, version = "ddpm4j 0.1.0",
        description = "Train, sample, evaluate and benchmark denoising diffusion models on the JVM.",
        subcommands = {DemoCommand.class, TrainCommand.class, SampleCommand.class, EvalCommand.class, InpaintCommand.class,
                DenoiseCommand.class, HeartbeatCommand.class, ClassifierCommand.class, QualityCommand.class,
                ReportCommand.class, PlotLossCommand.class, ExportCommand.class, SamplerCurveCommand.class, CheckCommand.class,
                BenchCommand.class})
public final class DdpmCommand implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Exit code of a run that failed on its input files or in itself (a diverged training, NaN samples). */
    static final int FAILED = 1;

    /**
     * The command line with its error handling: what {@link #main} runs. Every error is one line that starts with the
     * command and names the option or file; usage errors (a bad option or value) exit with 2, failures with 1.
     */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new DdpmCommand());
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println(prefix(cmd) + e.getMessage() + " (see " + cmd.getCommandSpec().qualifiedName()
                    + " --help)");
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                // A value the library refused (e.g. a channel count GroupNorm cannot split): the user's input.
                cmd.getErr().println(prefix(cmd) + e.getMessage());
                return cmd.getCommandSpec().exitCodeOnInvalidInput();
            }
            if (e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException
                    || e instanceof org.ddpm4j.tensor.NonFiniteException) {
                String what = e instanceof java.nio.file.NoSuchFileException ? "no such file: " + e.getMessage()
                        : e.getMessage();
                cmd.getErr().println(prefix(cmd) + what);
                return FAILED;
            }
            throw e;
        });
        return cli;
    }

    private static String prefix(CommandLine cmd) {
        return cmd.getCommandSpec().qualifiedName() + ": ";
    }
}
