package org.ddpm4j.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ddpm4j.tensor.Backends;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.Statistics;

/**
 * Runs a parameterised JMH benchmark in forked JVMs with the engine's flags and turns the results into
 * {@link BenchRecord}s: median and minimum over all samples, and the median of each fork.
 */
public final class JmhRunner {
    /** How the forks run: counts and times of JMH's iterations. */
    public record Settings(int forks, int warmupIterations, int measurementIterations, double iterationSeconds) {
        public static Settings quick() {
            return new Settings(1, 1, 2, 0.5);
        }
    }

    private final Settings settings;
    private final String backend;
    private final int threads;
    private final boolean gcProfiler;

    /** @param gcProfiler also run JMH's GC profiler and record the bytes allocated per call */
    public JmhRunner(Settings settings, String backend, int threads, boolean gcProfiler) {
        this.settings = settings;
        this.backend = backend;
        this.threads = threads;
        this.gcProfiler = gcProfiler;
    }

    /**
     * Runs {@code benchmarkClass} once per value of its {@code paramName} parameter.
     *
     * @param describe maps a parameter value to the record's identity and nominal work
     */
    public List<BenchRecord> run(Class<?> benchmarkClass, String paramName, List<String> values,
                                 java.util.function.Function<String, CaseInfo> describe) throws RunnerException {
        TimeValue iteration = TimeValue.milliseconds(Math.round(settings.iterationSeconds() * 1000));
        ChainedOptionsBuilder opts = new OptionsBuilder()
                .include(benchmarkClass.getName().replace("$", "\\$") + ".run")
                .param(paramName, values.toArray(String[]::new))
                .forks(settings.forks())
                .warmupIterations(settings.warmupIterations())
                .warmupTime(iteration)
                .measurementIterations(settings.measurementIterations())
                .measurementTime(iteration)
                .timeUnit(TimeUnit.MILLISECONDS)
                .shouldFailOnError(true)
                .jvmArgs(forkJvmArgs().toArray(String[]::new));
        if (gcProfiler) {
            opts = opts.addProfiler(GCProfiler.class);
        }
        Collection<RunResult> results = new Runner(opts.build()).run();
        List<BenchRecord> records = new ArrayList<>();
        for (RunResult rr : results) {
            String value = rr.getParams().getParam(paramName);
            CaseInfo info = describe.apply(value);
            Statistics all = rr.getPrimaryResult().getStatistics();
            List<Double> forkMedians = new ArrayList<>();
            for (BenchmarkResult fork : rr.getBenchmarkResults()) {
                forkMedians.add(fork.getPrimaryResult().getStatistics().getPercentile(50));
            }
            double median = all.getPercentile(50);
            // JMH names it "gc.alloc.rate.norm" (older versions prefix a middle dot).
            Double allocPerOp = rr.getSecondaryResults().entrySet().stream()
                    .filter(e -> e.getKey().endsWith("gc.alloc.rate.norm")).map(e -> e.getValue().getScore())
                    .findFirst().orElse(null);
            records.add(new BenchRecord(info.section(), info.caseName(), info.mode(), threads, backend, median,
                    all.getMin(), perSecond(info.gflop(), median), perSecond(info.gbytes(), median), forkMedians,
                    allocPerOp));
        }
        return records;
    }

    /** Identity and nominal work of one case. */
    public record CaseInfo(String section, String caseName, String mode, double gflop, double gbytes) {
    }

    private static Double perSecond(double amount, double ms) {
        return Double.isNaN(amount) ? null : amount / (ms * 1e-3);
    }

    /**
     * The Vector API flag, the backend and its thread count, and the heap: the same for every fork. An OpenCL fork
     * must not fall back to the CPU quietly, or its numbers would be filed under the wrong backend.
     */
    private List<String> forkJvmArgs() {
        return List.of("--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Dddpm.backend=" + backend, "-Dddpm.threads=" + threads, "-D" + Backends.REQUIRE_OPENCL_PROPERTY + "="
                        + backend.equals("opencl"),
                "-Xms2g", "-Xmx8g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    }

    /** Sorts records into the order of {@code keys}. */
    public static List<BenchRecord> inOrder(List<BenchRecord> records, List<String> keys) {
        List<BenchRecord> sorted = new ArrayList<>(records);
        sorted.sort(java.util.Comparator.comparingInt(r -> keys.indexOf(r.key())));
        return sorted;
    }
}
