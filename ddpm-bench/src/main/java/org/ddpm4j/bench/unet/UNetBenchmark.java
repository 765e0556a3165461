package org.ddpm4j.bench.unet;

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

/** JMH benchmark of one U-Net case per run; the backend comes from the fork's system properties. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class UNetBenchmark {

    @Param({"unet|ch32 sample-fwd B64|fwd(no_grad)"})
    public String unet;

    private UNetWorkload workload;

    @Setup
    public void setUp() {
        workload = new UNetWorkload(Backends.getDefault(), UNetCase.byKey(unet));
    }

    @Benchmark
    public void run() {
        workload.run();
    }
}
