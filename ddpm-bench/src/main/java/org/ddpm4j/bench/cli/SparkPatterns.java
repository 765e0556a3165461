package org.ddpm4j.bench.cli;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.spark.AllGatherTraining;
import org.ddpm4j.diffusion.spark.SparkGradients;
import org.ddpm4j.diffusion.train.FlatParameters;
import org.ddpm4j.diffusion.train.GradientReduction;
import org.ddpm4j.diffusion.train.LocalGradients;
import org.ddpm4j.diffusion.train.Trainer;
import org.ddpm4j.nn.Parameter;
import org.ddpm4j.nn.UNet;
import org.ddpm4j.nn.UNetConfig;
import org.ddpm4j.tensor.Backends;

/**
 * {@code ddpm bench spark}'s three ways to train the same steps: one process, Spark with one job per step
 * ({@link SparkGradients}), and Spark's barrier mode with {@code allGather} ({@link AllGatherTraining}). Only this
 * class names Spark's types, so the CLI loads without Spark until the command runs.
 */
final class SparkPatterns implements AutoCloseable {
    private final JavaSparkContext sc;
    private final int workers;
    private final int workerThreads;
    private final UNetConfig config;
    private final GaussianDiffusion diffusion;
    private final Dataset data;
    private final AllGatherTraining.Settings settings;

    /**
     * What one run of a pattern measured.
     *
     * @param secondsPerStep the mean wall time of the timed steps
     * @param weights        the final weights (after the warm-up and timed steps)
     * @param bytesPerWorker the bytes one worker sends per step (0 in one process)
     */
    record Timing(double secondsPerStep, float[] weights, long bytesPerWorker) {
    }

    SparkPatterns(String master, int workers, int workerThreads, UNetConfig config, GaussianDiffusion diffusion,
                  Dataset data, AllGatherTraining.Settings settings) {
        this.sc = SparkCluster.context(master, "ddpm4j bench spark");
        this.workers = workers;
        this.workerThreads = workerThreads;
        this.config = config;
        this.diffusion = diffusion;
        this.data = data;
        this.settings = settings;
    }

    private UNet model(int threads) {
        return new UNet(config, Backends.create("simd", threads), new SplittableRandom(settings.seed()));
    }

    /** One process with {@code threads} threads, the whole batch at once. */
    Timing oneProcess(int threads, int warmup, int steps) {
        return trainerRun(model(threads), new LocalGradients(1), warmup, steps);
    }

    /** Spark, one job per step: the driver holds Adam and the EMA, the workers compute the micro-batches. */
    Timing jobPerStep(int driverThreads, int warmup, int steps) {
        try (SparkGradients spark = new SparkGradients(sc, workers, 1, workerThreads)) {
            Timing t = trainerRun(model(driverThreads), spark, warmup, steps);
            return new Timing(t.secondsPerStep(), t.weights(), spark.bytesReceived() / (warmup + steps) / workers);
        }
    }

    /** Spark's barrier mode: every worker trains its replica and the gradients go round by allGather. */
    Timing allGather(int warmup, int steps) {
        AllGatherTraining.Result r = AllGatherTraining.train(sc, workers, workerThreads, model(1), diffusion, data,
                settings, warmup + steps);
        double timed = Arrays.stream(r.stepSeconds(), warmup, warmup + steps).sum();
        return new Timing(timed / steps, r.weights(), r.messageBytes());
    }

    /** A trainer's run of {@code warmup} untimed and {@code steps} timed steps; it sends nothing itself. */
    private Timing trainerRun(UNet model, GradientReduction reduction, int warmup, int steps) {
        Trainer t = Trainer.builder(model, diffusion).data(data).batchSize(settings.batchSize())
                .learningRate(settings.learningRate()).flips(settings.flips()).seed(settings.seed())
                .emaDecay(settings.emaDecay()).modelConfig(config).gradientReduction(reduction).build();
        for (int i = 0; i < warmup; i++) {
            t.trainStep();
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            t.trainStep();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Timing(seconds / steps, FlatParameters.concatenate(model.parameters(), Parameter::value), 0);
    }

    @Override
    public void close() {
        sc.stop();
    }
}
