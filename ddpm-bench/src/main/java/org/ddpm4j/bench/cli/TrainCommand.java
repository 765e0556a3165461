package org.ddpm4j.bench.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.LossType;
import org.ddpm4j.diffusion.MeanType;
import org.ddpm4j.diffusion.Schedules;
import org.ddpm4j.diffusion.VarianceType;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.data.ImageDatasets;
import org.ddpm4j.diffusion.data.ImageFolder;
import org.ddpm4j.diffusion.io.ImageGrid;
import org.ddpm4j.diffusion.train.Trainer;
import org.ddpm4j.nn.UNet;
import org.ddpm4j.nn.UNetConfig;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ddpm train}: trains the small DDPM U-Net on Fashion-MNIST (MNIST format), or on a folder of colour images,
 * and writes a sample grid.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a DDPM U-Net on 32×32 images (Fashion-MNIST by default, or a folder of colour images) "
                + "and write samples.")
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--data-dir", description = "directory with *-images-idx3-ubyte[.gz] (default: ${DEFAULT-VALUE})")
    Path dataDir = ImageDatasets.DEBIAN_FASHION_MNIST;

    @Option(names = "--image-folder", description = "instead of --data-dir: a folder of PNG/JPEG images, trained on in "
            + "colour (RGB), centre-cropped and scaled to 32×32")
    Path imageFolder;

    @Option(names = "--steps", description = "training steps (default: ${DEFAULT-VALUE})")
    int steps = 4000;

    @Option(names = "--batch", description = "batch size (default: ${DEFAULT-VALUE})")
    int batch = 32;

    @Option(names = "--channels", description = "U-Net base channels, a multiple of 32 (default: ${DEFAULT-VALUE})")
    int channels = 32;

    @Option(names = "--learn-variance", description = "learn the reverse-process variance (Nichol & Dhariwal) "
            + "with the hybrid loss instead of the fixed β_t and L_simple")
    boolean learnVariance;

    @Option(names = "--classes", description = "class-conditional training on the data's labels, for "
            + "classifier-free guidance (Ho & Salimans)")
    boolean classes;

    @Option(names = "--p-uncond", description = "with --classes: probability of dropping a label (default: ${DEFAULT-VALUE})")
    double pUncond = 0.1;

    @Option(names = "--prediction", description = "what the network predicts: eps (DDPM), x0, or v (Salimans & Ho "
            + "2022) (default: ${DEFAULT-VALUE})")
    String prediction = "eps";

    @Option(names = "--min-snr-gamma", description = "weight L_simple by min(SNR, γ) in x₀ terms (Hang et al. 2023; "
            + "they use 5); 0: unweighted (default: ${DEFAULT-VALUE})")
    double minSnrGamma;

    @Option(names = "--lr", description = "Adam learning rate (default: ${DEFAULT-VALUE})")
    double lr = 2e-4;

    @Option(names = "--checkpoint", description = "checkpoint file, written as training goes (default: ${DEFAULT-VALUE})")
    Path checkpoint = Path.of("ddpm-run.safetensors");

    @Option(names = "--checkpoint-every", description = "steps between checkpoints (default: ${DEFAULT-VALUE})")
    int checkpointEvery = 500;

    @Option(names = "--resume", description = "continue from --checkpoint if it exists")
    boolean resume;

    @Option(names = "--force", description = "start afresh over an existing --checkpoint (without it, train refuses "
            + "to overwrite one unless --resume is given)")
    boolean force;

    @Option(names = "--samples", description = "PNG grid of 16 samples after training (default: ${DEFAULT-VALUE})")
    Path samples = Path.of("ddpm-samples.png");

    @Option(names = "--sample-steps", description = "sampling steps, respaced from 1000 (default: ${DEFAULT-VALUE})")
    int sampleSteps = 250;

    @Option(names = "--loss-log", description = "also write each step's loss as CSV lines 'step,loss' to this file")
    Path lossLog;

    @Option(names = "--sample-every", description = "also write a grid of the EMA model every N steps, next to "
            + "--samples with the step in its name (default: never)")
    int sampleEvery;

    @Option(names = "--skip-non-finite", description = "skip up to N steps in a row whose loss or gradient is NaN or "
            + "infinite instead of stopping at the first (default: ${DEFAULT-VALUE})")
    int skipNonFinite;

    @Option(names = "--micro-batches", description = "split each step's batch into K micro-batches computed one after "
            + "the other (gradient accumulation; K = 2 computes what --spark-master local[2] computes); with "
            + "--spark-master, K per worker between synchronisations (default: ${DEFAULT-VALUE})")
    int microBatches = 1;

    @Option(names = "--spark-master", description = "train data-parallel on Apache Spark: local[N] (N worker threads "
            + "in this JVM) or a cluster's master URL such as spark://host:7077; each worker computes --micro-batches "
            + "micro-batches of every step on its shards of the data")
    String sparkMaster;

    @Option(names = "--spark-workers", description = "with --spark-master: workers per step (default: N of local[N]; "
            + "required for a cluster)")
    Integer sparkWorkers;

    @Option(names = "--spark-checkpoint-dir", description = "with --spark-master: where Spark keeps the data's shards "
            + "(on a cluster, a directory every machine can read, e.g. on HDFS), so that a lost executor's shard is "
            + "read back and training goes on; without it, losing an executor stops the run, and --resume continues it")
    String sparkCheckpointDir;

    @Option(names = "--worker-threads", description = "with --spark-master: SIMD threads of each worker "
            + "(default: ${DEFAULT-VALUE})")
    int workerThreads = 1;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    RunOptions run;

    @Spec
    CommandSpec spec;

    /** --prediction's values. */
    private static final Map<String, MeanType> PREDICTIONS = Map.of("eps", MeanType.EPSILON, "x0", MeanType.X0,
            "v", MeanType.VELOCITY);

    /** The diffusion's T: the linear schedule of DDPM. */
    private static final int DIFFUSION_STEPS = 1000;
    /** Fashion-MNIST's 28 pixels padded to 32, and the side images from a folder are scaled to. */
    private static final int IMAGE_SIZE = 32;

    @Override
    public Integer call() throws Exception {
        check(new OptionChecks(spec.commandLine()));
        Backend be = run.backend();
        Dataset data = imageFolder != null ? ImageFolder.load(imageFolder, IMAGE_SIZE, false)
                : ImageDatasets.mnistFormat(dataDir, true);
        UNetConfig gray = UNetConfig.smallGrayscale();
        UNetConfig cfg = new UNetConfig(data.sampleShape()[0], channels, gray.channelMult(), gray.resBlocks(),
                gray.attentionResolutions(), gray.dropout(), IMAGE_SIZE, classes ? data.numClasses() : 0,
                learnVariance);
        UNet model = new UNet(cfg, be, new SplittableRandom(run.seed));
        VarianceType variance = learnVariance ? VarianceType.LEARNED_RANGE : VarianceType.FIXED_LARGE;
        GaussianDiffusion diffusion = GaussianDiffusion.builder().schedule(Schedules.linear(DIFFUSION_STEPS, 1e-4, 0.02))
                .meanType(PREDICTIONS.get(prediction)).minSnrGamma(minSnrGamma)
                .varianceType(variance).lossType(LossType.forVariance(variance)).build();
        SparkCluster cluster = sparkMaster == null ? null : SparkCluster.connect(sparkMaster, workers(), microBatches,
                workerThreads, sparkCheckpointDir);
        try {
            Trainer.Builder builder = Trainer.builder(model, diffusion).data(data).batchSize(batch).learningRate(lr)
                    .flips(true).conditional(classes).labelDropout(classes ? pUncond : 0)
                    .seed(run.seed).modelConfig(cfg)
                    .checkpoint(checkpoint, checkpointEvery).skipNonFiniteSteps(skipNonFinite)
                    .microBatches(microBatches);
            if (cluster != null) {
                builder.gradientReduction(cluster.gradients());
                System.out.println("Spark: " + sparkMaster + ", " + workers() + " workers × " + workerThreads
                        + " threads, batch " + batch + " split into " + workers() + " × " + microBatches
                        + " micro-batches");
            }
            return train(builder.build(), be, model, diffusion, cluster);
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    private int workers() {
        return SparkCluster.workers(sparkWorkers, sparkMaster);
    }

    private Integer train(Trainer trainer, Backend be, UNet model, GaussianDiffusion diffusion, SparkCluster cluster)
            throws Exception {
        boolean resuming = resume && Files.exists(checkpoint);
        if (resuming) {
            trainer.resume(checkpoint);
            System.out.println("resumed from " + checkpoint + " at step " + trainer.step());
        }
        int todo = (int) Math.max(0, steps - trainer.step());
        long start = System.nanoTime();
        double loss;
        try (TrainingBar bar = new TrainingBar(trainer.step(), steps); LossLog log = LossLog.open(lossLog, resuming ? trainer.step() : -1)) {
            loss = trainer.train(todo, p -> {
                bar.onStep(p);
                log.onStep(p);
                if (sampleEvery > 0 && p.step() % sampleEvery == 0) {
                    writeSamples(trainer, model, diffusion, stepFile(samples, p.step()));
                }
            });
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        writeSamples(trainer, model, diffusion, samples);
        System.out.printf("trained to step %d in %.1f s (%s), final loss %.4f; checkpoint %s; samples %s%n",
                trainer.step(), seconds, be.describe(), loss, checkpoint, samples.toAbsolutePath());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", trainer.step());
        m.put("train_seconds", seconds);
        m.put("final_loss", loss);
        m.put("checkpoint", checkpoint.toAbsolutePath().toString());
        m.put("samples_png", samples.toAbsolutePath().toString());
        if (cluster != null) {
            long[] traffic = cluster.traffic();
            m.put("spark_workers", workers());
            m.put("spark_bytes_sent", traffic[0]);
            m.put("spark_bytes_received", traffic[1]);
        }
        run.printJson(m);
        be.shutdown();
        return 0;
    }

    /** Every option, the paths included, before the data is read: nothing fails after training has run. */
    private void check(OptionChecks checks) {
        run.check(checks);
        sampling.check(checks);
        checks.atLeast("--steps", steps, 1).atLeast("--batch", batch, 1)
                .channels("--channels", channels)
                .inHalfOpenRange("--p-uncond", pUncond, 0, 1).positive("--lr", lr)
                .atLeast("--checkpoint-every", checkpointEvery, 1)
                .require(sampleSteps >= 1 && sampleSteps <= DIFFUSION_STEPS, "--sample-steps must be in [1, "
                        + DIFFUSION_STEPS + "], got " + sampleSteps)
                .atLeast("--sample-every", sampleEvery, 0).atLeast("--skip-non-finite", skipNonFinite, 0)
                .require(PREDICTIONS.containsKey(prediction), "--prediction must be one of eps, x0, v; got '"
                        + prediction + "'")
                .nonNegative("--min-snr-gamma", minSnrGamma)
                .require(!(resume && force), "--resume and --force exclude each other")
                .require(imageFolder == null || Files.isDirectory(imageFolder), "--image-folder " + imageFolder
                        + ": no such directory")
                .require(imageFolder == null || !classes, "--classes needs labels, which an --image-folder lacks")
                .writableFile("--checkpoint", checkpoint).writableFile("--samples", samples)
                .writableFile("--loss-log", lossLog)
                .require(resume || force || !Files.exists(checkpoint), "--checkpoint " + checkpoint + " exists: "
                        + "pass --resume to continue it or --force to start afresh over it");
        if (imageFolder == null) {
            checks.dataDirectory("--data-dir", dataDir);
        }
        checks.atLeast("--micro-batches", microBatches, 1);
        if (sparkMaster != null) {
            checks.require(SparkCluster.available(), "--spark-master: Spark is not on the class path; run ./ddpm, "
                    + "which adds it, or submit ddpm.jar with spark-submit")
                    .require(workers() >= 1, "--spark-workers: give the number of workers for master " + sparkMaster)
                    .require((long) workers() * microBatches <= batch, "--spark-workers " + workers() + " × "
                            + "--micro-batches " + microBatches + " exceeds --batch " + batch
                            + ": every micro-batch needs at least one sample")
                    .atLeast("--worker-threads", workerThreads, 1);
        } else {
            checks.require(microBatches <= batch, "--micro-batches " + microBatches + " exceeds --batch " + batch
                            + ": every micro-batch needs at least one sample")
                    .require(sparkWorkers == null && workerThreads == 1 && sparkCheckpointDir == null,
                    "--spark-workers, --worker-threads and --spark-checkpoint-dir need --spark-master");
        }
    }

    /** 16 samples of the EMA weights (swapped in for the occasion and back) as a 4×4 grid; classes 0, 1, ... in turn. */
    private void writeSamples(Trainer trainer, UNet model, GaussianDiffusion diffusion, Path file) {
        trainer.ema().swap();
        try {
            int[] labels = model.numClasses() == 0 ? null
                    : java.util.stream.IntStream.range(0, 16).map(i -> i % model.numClasses()).toArray();
            UNetConfig c = model.config();
            Tensor x = sampling.sampler(diffusion, sampleSteps).sample(model,
                    new int[] {16, c.imageChannels(), c.imageSize(), c.imageSize()}, labels,
                    new SplittableRandom(run.seed + 1));
            ImageGrid.write(file, x, 4);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + file, e);
        } finally {
            trainer.ema().swap();
        }
    }

    /** {@code samples.png} → {@code samples-step1000.png}. */
    private static Path stepFile(Path samples, long step) {
        String name = samples.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name, ext = dot > 0 ? name.substring(dot) : ".png";
        return samples.resolveSibling(stem + "-step" + step + ext);
    }
}
