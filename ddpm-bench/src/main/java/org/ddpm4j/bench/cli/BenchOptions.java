package org.ddpm4j.bench.cli;

import java.nio.file.Path;
import org.ddpm4j.bench.JmhRunner;
import picocli.CommandLine.Option;

/** Options every {@code ddpm bench} subcommand shares. */
public final class BenchOptions {

    @Option(names = "--threads", description = "worker threads of the backend (default: ${DEFAULT-VALUE})")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--backend", description = "simd, scalar or opencl (default: ${DEFAULT-VALUE})")
    String backend = "simd";

    @Option(names = "--out", description = "write the records to this JSON file")
    Path out;

    @Option(names = "--json", description = "print the records as one JSON object on the last line")
    boolean json;

    @Option(names = "--compare-pytorch", description = "also run the PyTorch script and print the ratio table")
    boolean comparePyTorch;

    @Option(names = "--pytorch-script", description = "path of pytorch_baseline.py (default: ${DEFAULT-VALUE})")
    Path pytorchScript = BenchDefaults.pytorchScript();

    @Option(names = "--python", description = "interpreter for the PyTorch script (default: ${DEFAULT-VALUE})")
    String python = "/usr/bin/python3";

    @Option(names = "--forks", description = "JMH forks per case (default: ${DEFAULT-VALUE})")
    int forks = 3;

    @Option(names = "--warmup", description = "warmup iterations per fork (default: ${DEFAULT-VALUE})")
    int warmup = 3;

    @Option(names = "--iterations", description = "measured iterations per fork (default: ${DEFAULT-VALUE})")
    int iterations = 5;

    @Option(names = "--iteration-seconds", description = "length of one iteration (default: ${DEFAULT-VALUE})")
    double iterationSeconds = 1.0;

    @Option(names = "--quick", description = "smoke run: 1 fork, 1 warmup, 2 short iterations (and PyTorch --quick)")
    boolean quick;

    JmhRunner.Settings settings() {
        return quick ? JmhRunner.Settings.quick() : new JmhRunner.Settings(forks, warmup, iterations, iterationSeconds);
    }
}
