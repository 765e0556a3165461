package org.ddpm4j.bench.unet;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.Schedules;
import org.ddpm4j.diffusion.sample.Sampler;
import org.ddpm4j.nn.UNet;
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

/**
 * JMH benchmark of complete sampling runs, one run per measured iteration (single-shot): the library's own
 * {@link Sampler} on DDPM's linear schedule (β from 1e-4 to 0.02 at T = 1000, scaled by 1000/T for other T as in
 * Nichol &amp; Dhariwal's code), so the time includes everything a user's call does, not only the network.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SampleBenchmark {

    private static final int WARMUP_STEPS = 10;

    @Param({"sample|ch32 B8|ancestral 1000 steps"})
    public String sample;

    private SampleCase sampleCase;
    private UNet model;
    private Sampler sampler;
    private SplittableRandom rng;

    @Setup
    public void setUp() {
        sampleCase = SampleCase.parse(sample);
        model = new UNet(sampleCase.config(), Backends.getDefault(), new SplittableRandom(1));
        double scale = 1000.0 / sampleCase.steps();
        GaussianDiffusion diffusion = GaussianDiffusion.builder()
                .schedule(Schedules.linear(sampleCase.steps(), 1e-4 * scale, Math.min(0.02 * scale, 0.999)))
                .backend(Backends.getDefault()).build();
        sampler = new Sampler(diffusion);
        rng = new SplittableRandom(2);
        // The measured run is single-shot: compile the path first on a short respaced chain (~1% of 1000 steps).
        new Sampler(diffusion).respaced(Math.min(WARMUP_STEPS, sampleCase.steps())).sample(model,
                new int[] {sampleCase.batch(), 1, 32, 32}, new SplittableRandom(3));
    }

    @Benchmark
    public Tensor run() {
        return sampler.sample(model, new int[] {sampleCase.batch(), 1, 32, 32}, rng);
    }
}
