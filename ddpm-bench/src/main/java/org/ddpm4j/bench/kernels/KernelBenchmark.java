package org.ddpm4j.bench.kernels;

import java.util.concurrent.TimeUnit;
import org.ddpm4j.tensor.Backends;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH benchmark of one kernel case per run. The backend comes from the fork's system properties
 * ({@code ddpm.backend}, {@code ddpm.threads}), set by {@code ddpm bench kernels}. The {@code kernel} parameter is a
 * {@link KernelCase#key()}; the default list is overridden by the command line.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class KernelBenchmark {

    @Param({"conv|N32 64->64 32x32|fwd"})
    public String kernel;

    private KernelWorkload workload;

    @Setup
    public void setUp() {
        workload = new KernelWorkload(Backends.getDefault(), KernelCase.byKey(kernel));
    }

    @Benchmark
    public void run() {
        workload.run();
    }
}
