package org.ddpm4j.bench.cli;

import java.nio.file.Path;
import org.ddpm4j.bench.JmhRunner;
import org.ddpm4j.bench.compare.InterleavedComparison;
import picocli.CommandLine.Mixin;
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

    @Option(names = "--compare-pytorch", description = "time PyTorch and ddpm4j in alternating rounds, case by case, "
            + "and print the median ratio with its spread (instead of JMH)")
    boolean comparePyTorch;

    @Mixin
    PeerOptions peer;

    @Option(names = "--rounds", description = "with --compare-pytorch: alternating rounds per case (default: ${DEFAULT-VALUE})")
    int rounds = 5;

    @Option(names = "--round-seconds", description = "with --compare-pytorch: each side's time per round "
            + "(default: ${DEFAULT-VALUE})")
    double roundSeconds = 2.0;

    @Option(names = "--warmup-seconds", description = "with --compare-pytorch: each side's untimed calls per case, "
            + "ours then until the JIT has been idle for a second (default: ${DEFAULT-VALUE})")
    double warmupSeconds = 3.0;

    @Option(names = "--forks", description = "JMH forks per case (default: ${DEFAULT-VALUE})")
    int forks = 3;

    @Option(names = "--warmup", description = "JMH warmup iterations per fork (default: ${DEFAULT-VALUE})")
    int warmup = 3;

    @Option(names = "--iterations", description = "JMH measured iterations per fork (default: ${DEFAULT-VALUE})")
    int iterations = 5;

    @Option(names = "--iteration-seconds", description = "length of one JMH iteration (default: ${DEFAULT-VALUE})")
    double iterationSeconds = 1.0;

    @Option(names = "--quick", description = "smoke run: 1 fork, 1 warmup, 2 short iterations (with --compare-pytorch: "
            + "3 short rounds)")
    boolean quick;

    /** Checks the options before a benchmark starts. */
    void check(OptionChecks checks) {
        checks.atLeast("--threads", threads, 1)
                .backend("--backend", backend)
                .writableFile("--out", out).atLeast("--rounds", rounds, 1).positive("--round-seconds", roundSeconds)
                .nonNegative("--warmup-seconds", warmupSeconds).atLeast("--forks", forks, 0)
                .atLeast("--warmup", warmup, 0).atLeast("--iterations", iterations, 1)
                .positive("--iteration-seconds", iterationSeconds);
        peer.check(checks);
    }

    JmhRunner.Settings settings() {
        return quick ? JmhRunner.Settings.quick() : new JmhRunner.Settings(forks, warmup, iterations, iterationSeconds);
    }

    InterleavedComparison.Settings comparisonSettings() {
        return quick ? InterleavedComparison.Settings.quick()
                : new InterleavedComparison.Settings(rounds, roundSeconds, warmupSeconds);
    }
}
