package org.ddpm4j.bench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ddpm4j.bench.compare.Medians;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.Schedules;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.data.ImageDatasets;
import org.ddpm4j.diffusion.spark.AllGatherTraining;
import org.ddpm4j.nn.UNetConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ddpm bench spark}: the two data-parallel patterns on Spark, timed against each other and against one process,
 * interleaved round by round on the same steps of the same model, so a user can choose on their own cluster.
 */
@Command(name = "spark", mixinStandardHelpOptions = true,
        description = "Time data-parallel training on Spark, one job per step against barrier mode's allGather, and one "
                + "process, interleaved round by round.")
public final class SparkBenchCommand implements Callable<Integer> {
    private static final int DIFFUSION_STEPS = 1000;

    @Option(names = "--spark-master", description = "local[N] or a cluster's master URL (default: ${DEFAULT-VALUE})")
    String sparkMaster = "local[2]";

    @Option(names = "--spark-workers", description = "workers (default: N of local[N]; required for a cluster)")
    Integer sparkWorkers;

    @Option(names = "--worker-threads", description = "SIMD threads of each worker (default: ${DEFAULT-VALUE})")
    int workerThreads = 1;

    @Option(names = "--threads", description = "threads of the one-process run (default: workers × worker threads)")
    Integer threads;

    @Option(names = "--driver-threads", description = "threads of the driver's model in one job per step, which "
            + "clips and applies Adam and the EMA (default: ${DEFAULT-VALUE})")
    int driverThreads = 1;

    @Option(names = "--channels", description = "the U-Net's base channels (default: ${DEFAULT-VALUE})")
    int channels = 32;

    @Option(names = "--batch", description = "the global batch (default: ${DEFAULT-VALUE})")
    int batch = 32;

    @Option(names = "--warmup", description = "untimed steps first: JIT, the shards' shipping (default: "
            + "${DEFAULT-VALUE})")
    int warmup = 3;

    @Option(names = "--steps", description = "timed steps per run (default: ${DEFAULT-VALUE})")
    int steps = 10;

    @Option(names = "--rounds", description = "rounds, each running every configuration once (default: "
            + "${DEFAULT-VALUE})")
    int rounds = 3;

    @Option(names = "--data-dir", description = "Fashion-MNIST or MNIST in IDX format (default: ${DEFAULT-VALUE})")
    Path dataDir = ImageDatasets.DEBIAN_FASHION_MNIST;

    @Option(names = "--csv", description = "also write every run's seconds per step here")
    Path csv;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        OptionChecks checks = new OptionChecks(spec.commandLine());
        checks.require(SparkCluster.available(), "--spark-master: Spark is not on the class path; run ./ddpm, which "
                        + "adds it")
                .require(workers() >= 1, "--spark-workers: give the number of workers for master " + sparkMaster)
                .require(workers() <= batch, "--spark-workers " + workers() + " exceeds --batch " + batch
                        + ": every worker needs at least one sample per step")
                .atLeast("--worker-threads", workerThreads, 1).atLeast("--driver-threads", driverThreads, 1)
                .atLeast("--threads", threads == null ? 1 : threads, 1).channels("--channels", channels)
                .atLeast("--batch", batch, 1).atLeast("--warmup", warmup, 1).atLeast("--steps", steps, 1)
                .atLeast("--rounds", rounds, 1).dataDirectory("--data-dir", dataDir).writableFile("--csv", csv);
        Dataset data = ImageDatasets.mnistFormat(dataDir, true);
        UNetConfig gray = UNetConfig.smallGrayscale();
        UNetConfig config = new UNetConfig(1, channels, gray.channelMult(), gray.resBlocks(),
                gray.attentionResolutions(), gray.dropout(), 32, 0, false);
        GaussianDiffusion diffusion = GaussianDiffusion.builder().schedule(Schedules.linear(DIFFUSION_STEPS, 1e-4,
                0.02)).build();
        AllGatherTraining.Settings settings = new AllGatherTraining.Settings(batch, 2e-4, true, 0, 0.9999);
        int oneProcessThreads = threads != null ? threads : workers() * workerThreads;
        Map<String, List<Double>> perStep = new LinkedHashMap<>();
        List<String> rows = new ArrayList<>();
        long jobBytes = 0, gatherBytes = 0;
        System.out.printf("ch %d U-Net, batch %d, %s: %d workers × %d threads; %d warm-up and %d timed steps per run%n",
                channels, batch, sparkMaster, workers(), workerThreads, warmup, steps);
        try (SparkPatterns spark = new SparkPatterns(sparkMaster, workers(), workerThreads, config, diffusion, data,
                settings)) {
            for (int round = 1; round <= rounds; round++) {
                SparkPatterns.Timing one = spark.oneProcess(oneProcessThreads, warmup, steps);
                SparkPatterns.Timing job = spark.jobPerStep(driverThreads, warmup, steps);
                SparkPatterns.Timing gather = spark.allGather(warmup, steps);
                if (!Arrays.equals(job.weights(), gather.weights())) {
                    throw new IllegalStateException("round " + round + ": the two Spark patterns ended with different "
                            + "weights; they must compute the same steps");
                }
                jobBytes = job.bytesPerWorker();
                gatherBytes = gather.bytesPerWorker();
                record(perStep, rows, round, "one process", one);
                record(perStep, rows, round, "job per step", job);
                record(perStep, rows, round, "barrier allGather", gather);
                System.out.printf("round %d: one process %.3f s/step, job per step %.3f, barrier allGather %.3f%n",
                        round, one.secondsPerStep(), job.secondsPerStep(), gather.secondsPerStep());
            }
        }
        System.out.println("The two Spark patterns ended with the same weights, bit for bit, in every round.");
        for (Map.Entry<String, List<Double>> e : perStep.entrySet()) {
            System.out.printf("%-18s %.3f s/step (median of %d rounds, %.3f-%.3f)%n", e.getKey(),
                    Medians.of(e.getValue()), e.getValue().size(), min(e.getValue()), max(e.getValue()));
        }
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            ratios.add(perStep.get("barrier allGather").get(r) / perStep.get("job per step").get(r));
        }
        System.out.printf("barrier allGather / job per step, per round: median %.2f (%.2f-%.2f)%n", Medians.of(ratios),
                min(ratios), max(ratios));
        System.out.printf("Per worker and step: job per step moves %.1f MB of weights in and %.1f MB of gradient out; "
                + "allGather sends a %.1f MB message and receives all %d through the driver%n", jobBytes / 1e6,
                jobBytes / 1e6, gatherBytes / 1e6, workers());
        if (csv != null) {
            try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv))) {
                out.println("round,config,seconds_per_step,bytes_per_worker");
                rows.forEach(out::println);
            }
        }
        return 0;
    }

    private static void record(Map<String, List<Double>> perStep, List<String> rows, int round, String name,
                               SparkPatterns.Timing t) {
        perStep.computeIfAbsent(name, k -> new ArrayList<>()).add(t.secondsPerStep());
        rows.add(round + "," + name + "," + String.format("%.4f", t.secondsPerStep()) + "," + t.bytesPerWorker());
    }

    private static double min(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    private static double max(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    private int workers() {
        return SparkCluster.workers(sparkWorkers, sparkMaster);
    }
}
