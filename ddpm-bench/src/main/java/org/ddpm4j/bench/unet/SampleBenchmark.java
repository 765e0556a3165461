package org.ddpm4j.bench.unet;

import java.util.concurrent.TimeUnit;
import org.ddpm4j.tensor.Backends;
import org.ddpm4j.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** JMH benchmark of complete sampling runs ({@link SampleWorkload}), one run per measured iteration (single-shot). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SampleBenchmark {

    @Param({"sample|ch32 B8|ancestral 1000 steps"})
    public String sample;

    private SampleWorkload workload;

    @Setup
    public void setUp() {
        workload = new SampleWorkload(Backends.getDefault(), SampleCase.parse(sample));
        workload.warmUp();
    }

    @Benchmark
    public Tensor run() {
        return workload.run();
    }
}
