package org.ddpm4j.bench.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ddpm bench ...}: JMH benchmarks, optionally side by side with PyTorch. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark the engine with JMH (several forks), optionally beside PyTorch in the same run.",
        subcommands = {KernelsCommand.class, UNetCommand.class, SampleBenchCommand.class, SparkBenchCommand.class,
                MemoryCommand.class, OpsCommand.class, SpansCommand.class})
public final class BenchCommand implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
