package org.ddpm4j.bench.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ddpm} command line. */
@Command(name = "ddpm", mixinStandardHelpOptions = true, version = "ddpm4j 0.1.0",
        description = "Train, sample, evaluate and benchmark denoising diffusion models on the JVM.",
        subcommands = {DemoCommand.class, BenchCommand.class})
public final class DdpmCommand implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new DdpmCommand()).execute(args));
    }
}
