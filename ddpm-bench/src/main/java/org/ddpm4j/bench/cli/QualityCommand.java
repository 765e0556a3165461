package org.ddpm4j.bench.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.data.ImageDatasets;
import org.ddpm4j.diffusion.eval.ClassifierTraining;
import org.ddpm4j.diffusion.eval.ParzenWindow;
import org.ddpm4j.diffusion.eval.SampleQuality;
import org.ddpm4j.diffusion.io.ImageModelFiles;
import org.ddpm4j.diffusion.sample.Sampler;
import org.ddpm4j.nn.ImageClassifier;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ddpm quality}: samples a trained image model (or reads images generated elsewhere) and measures them against
 * the test images in the feature space of a classifier trained by {@code ddpm classifier}: Fréchet distance,
 * classifier score, precision and recall, and (for a class-conditional model, one class per sample in turn) class
 * accuracy.
 */
@Command(name = "quality", mixinStandardHelpOptions = true,
        description = "Sample a checkpoint (or read generated images) and measure them in a classifier's feature space.")
public final class QualityCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", description = "checkpoint written by ddpm train, to sample from")
    Path checkpoint;

    @Option(names = "--images", description = "instead of --checkpoint: images generated elsewhere, a folder of PNGs "
            + "or a .npy file (uint8 pixels, or floats in [-1, 1]; [N, H, W], [N, C, H, W] or [N, H, W, C]); the "
            + "first --n are measured")
    Path images;

    @Option(names = "--classifier", required = true, description = "classifier written by ddpm classifier")
    Path classifier;

    @Option(names = "--data-dir", description = "directory with the MNIST-format files (default: ${DEFAULT-VALUE})")
    Path dataDir = ImageDatasets.DEBIAN_FASHION_MNIST;

    @Option(names = "--n", description = "samples, and test images to compare with (default: ${DEFAULT-VALUE})")
    int n = 500;

    @Option(names = "--steps", description = "sampling steps, respaced over T (default: ${DEFAULT-VALUE})")
    int steps = 100;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--batch", description = "with --checkpoint: sample at most this many images at a time "
            + "(default: ${DEFAULT-VALUE})")
    int batch = SampleBatches.DEFAULT_BATCH;

    @Option(names = "--guidance", description = "classifier-free guidance weight (class-conditional models)")
    Double guidance;

    @Option(names = "--parzen", description = "also the Parzen-window log-likelihood of test images under the samples "
            + "(Sohl-Dickstein et al. Table 2; pixels in [0, 1], σ chosen on held-out test images)")
    boolean parzen;

    @Mixin
    RunOptions run;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        check(new OptionChecks(spec.commandLine()));
        Backend be = run.backend();
        ImageClassifier cls = ClassifierTraining.load(classifier, be);
        Dataset test = ImageDatasets.mnistFormat(dataDir, false);
        Tensor reference = test.first(n);
        int[] labels = null;
        Tensor samples;
        String source;
        double sampleSeconds = Double.NaN;
        if (images != null) {
            samples = GeneratedImages.first(images, n, cls.config());
            source = images.toString();
        } else {
            ImageModelFiles.Loaded loaded = ImageModelFiles.loadForSampling(checkpoint, be);
            var cfg = loaded.model().config();
            labels = cfg.numClasses() == 0 ? null
                    : java.util.stream.IntStream.range(0, n).map(i -> i % cfg.numClasses()).toArray();
            Sampler sampler = sampling.sampler(loaded.diffusion(), steps).clipDenoised(loaded.clipX0());
            if (guidance != null) {
                sampler.guidance(guidance);
            }
            long start = System.nanoTime();
            samples = SampleBatches.draw(sampler, loaded.model(),
                    new int[] {n, cfg.imageChannels(), cfg.imageSize(), cfg.imageSize()}, labels,
                    new SplittableRandom(run.seed), batch);
            sampleSeconds = (System.nanoTime() - start) / 1e9;
            source = String.format("%s, %s, %d network calls, %.1f s", checkpoint, sampler.methodName(),
                    sampler.networkEvaluations(), sampleSeconds);
        }
        SampleQuality q = SampleQuality.measure(cls, samples, labels, reference);
        System.out.printf("%d samples (%s) against %d test images: Fréchet distance %.3f, classifier "
                        + "score %.3f, precision %.3f, recall %.3f, class accuracy %s%n", n, source,
                reference.dim(0), q.frechetDistance(), q.classifierScore(), q.precision(), q.recall(),
                Double.isNaN(q.classAccuracy()) ? "-" : String.format("%.3f", q.classAccuracy()));
        Map<String, Object> m = new LinkedHashMap<>();
        if (parzen) {
            m.put("parzen_nats", parzen(samples, test));
        }
        m.put("samples", n);
        m.put("source", images != null ? images.toString() : checkpoint.toString());
        m.put("sampling_steps", images != null ? null : steps);
        m.put("guidance", guidance);
        m.put("frechet_distance", q.frechetDistance());
        m.put("classifier_score", q.classifierScore());
        m.put("precision", q.precision());
        m.put("recall", q.recall());
        m.put("class_accuracy", Double.isNaN(q.classAccuracy()) ? null : q.classAccuracy());
        m.put("sample_seconds", Double.isNaN(sampleSeconds) ? null : sampleSeconds);
        run.printJson(m);
        be.shutdown();
        return 0;
    }

    /**
     * The protocol of Breuleux et al. used in Sohl-Dickstein et al.'s Table 2: pixels scaled to [0, 1], σ from a
     * grid chosen on 1000 test images (validation), the mean log-likelihood reported on 1000 others, in nats.
     */
    private double parzen(Tensor samples, Dataset test) {
        int d = samples.size() / samples.dim(0), half = Math.min(1000, test.size() / 2);
        float[] centres = toUnitRange(samples.toArray());
        float[] validation = toUnitRange(test.batch(java.util.stream.IntStream.range(0, half).toArray()).toArray());
        float[] held = toUnitRange(test.batch(java.util.stream.IntStream.range(half, 2 * half).toArray()).toArray());
        double sigma = ParzenWindow.chooseSigma(centres, validation, d, PARZEN_SIGMAS);
        double ll = ParzenWindow.meanLogLikelihood(centres, held, d, sigma);
        System.out.printf("Parzen window (σ = %.3f chosen on %d test images): %.1f nats on %d others%n", sigma, half, ll, half);
        return ll;
    }

    /** Widths tried for the Parzen window, on the [0, 1] pixel scale. */
    private static final double[] PARZEN_SIGMAS = {0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0};

    private static float[] toUnitRange(float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (x[i] + 1) / 2;
        }
        return out;
    }

    /** Every option, before any work starts. */
    private void check(OptionChecks checks) {
        run.check(checks);
        sampling.check(checks);
        checks.require((checkpoint == null) != (images == null), "give either --checkpoint (to sample) or --images "
                + "(generated elsewhere), not " + (checkpoint == null ? "neither" : "both"));
        if (checkpoint != null) {
            checks.readableFile("--checkpoint", checkpoint);
        } else {
            checks.require(java.nio.file.Files.isDirectory(images) || java.nio.file.Files.isReadable(images),
                    "--images " + images + " is neither a folder nor a readable file");
            checks.require(guidance == null, "--guidance applies to sampling a --checkpoint, not to --images");
        }
        checks.readableFile("--classifier", classifier).dataDirectory("--data-dir", dataDir)
                .atLeast("--n", n, 2).atLeast("--steps", steps, 1).atLeast("--batch", batch, 1)
                .nonNegativeIfGiven("--guidance", guidance);
    }
}
