package org.ddpm4j.bench.cli;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.data.ImageDatasets;
import org.ddpm4j.diffusion.eval.ClassifierTraining;
import org.ddpm4j.diffusion.eval.SampleQuality;
import org.ddpm4j.diffusion.io.ImageModelFiles;
import org.ddpm4j.diffusion.io.LinePlot;
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
 * {@code ddpm sampler-curve}: sample quality against network evaluations per sample, for several sampling methods
 * on one model. Every point samples the same number of images from the same seed and measures them against the
 * same test images; each row is written as soon as it is measured, so a long run that stops keeps its points.
 */
@Command(name = "sampler-curve", mixinStandardHelpOptions = true,
        description = "Fréchet distance (and the other quality metrics) against network evaluations per sample, "
                + "for each sampling method; writes DIR/sampler-curve.csv, .md and .png.")
public final class SamplerCurveCommand implements Callable<Integer> {
    @Mixin
    CheckpointOption checkpoint;

    @Option(names = "--classifier", required = true, description = "classifier written by ddpm classifier")
    Path classifier;

    @Option(names = "--data-dir", description = "directory with the MNIST-format files (default: ${DEFAULT-VALUE})")
    Path dataDir = ImageDatasets.DEBIAN_FASHION_MNIST;

    @Option(names = "--out", required = true, description = "folder for sampler-curve.csv, .md and .png")
    Path out;

    @Option(names = "--samplers", split = ",", description = "methods, each of ancestral, ddim, dpm-solver++, heun "
            + "(default: ${DEFAULT-VALUE})")
    List<String> samplers = List.of("ancestral", "ddim", "dpm-solver++");

    @Option(names = "--evaluations", split = ",", description = "network evaluations per sample to try; Heun's "
            + "2n-1 rounds an even count down (default: ${DEFAULT-VALUE})")
    List<Integer> evaluations = List.of(10, 20, 50, 100, 250, 1000);

    @Option(names = "--n", description = "samples per point, and test images they are compared with "
            + "(default: ${DEFAULT-VALUE})")
    int n = 1000;

    @Option(names = "--batch", description = "sample at most this many images at a time (default: ${DEFAULT-VALUE})")
    int batch = SampleBatches.DEFAULT_BATCH;

    @Mixin
    RunOptions run;

    @Spec
    CommandSpec spec;

    /** One measured point of the curve. */
    record Point(String sampler, int steps, int networkEvaluations, SampleQuality quality, double seconds) {
    }

    @Override
    public Integer call() throws Exception {
        check(new OptionChecks(spec.commandLine()));
        Backend be = run.backend();
        ImageClassifier cls = ClassifierTraining.load(classifier, be);
        Dataset test = ImageDatasets.mnistFormat(dataDir, false);
        Tensor reference = test.batch(IntStream.range(0, Math.min(n, test.size())).toArray());
        ImageModelFiles.Loaded loaded = checkpoint.load(be);
        var cfg = loaded.model().config();
        if (cfg.numClasses() != 0) {
            throw new IllegalArgumentException(checkpoint.describe() + " is class-conditional: the curve measures "
                    + "unconditional samplers (use ddpm quality --guidance for a conditional model)");
        }
        Files.createDirectories(out);
        Path csv = out.resolve("sampler-curve.csv");
        List<Point> points = new ArrayList<>();
        try (Writer w = Files.newBufferedWriter(csv)) {
            w.write("sampler,steps,network_evaluations,frechet_distance,classifier_score,precision,recall,seconds\n");
            w.flush();
            for (String name : samplers) {
                SamplingOptions.Method method = SamplingOptions.Method.named(name);
                for (int e : evaluations) {
                    int steps = method == SamplingOptions.Method.HEUN ? (e + 1) / 2 : e;
                    Sampler sampler = SamplingOptions.sampler(loaded.diffusion(), method, steps, 0)
                            .clipDenoised(loaded.clipX0());
                    long start = System.nanoTime();
                    Tensor samples = SampleBatches.draw(sampler, loaded.model(),
                            new int[] {n, cfg.imageChannels(), cfg.imageSize(), cfg.imageSize()}, null,
                            new SplittableRandom(run.seed), batch);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    Point p = new Point(method.cliName, steps, sampler.networkEvaluations(),
                            SampleQuality.measure(cls, samples, null, reference), seconds);
                    points.add(p);
                    SampleQuality q = p.quality();
                    w.write(String.format(Locale.ROOT, "%s,%d,%d,%.4f,%.4f,%.4f,%.4f,%.1f%n", p.sampler(), p.steps(),
                            p.networkEvaluations(), q.frechetDistance(), q.classifierScore(), q.precision(), q.recall(),
                            p.seconds()));
                    w.flush();
                    System.out.printf(Locale.ROOT, "%-12s %4d network evaluations: Fréchet distance %.3f (%.0f s)%n",
                            p.sampler(), p.networkEvaluations(), q.frechetDistance(), p.seconds());
                    writeFigures(points, reference.dim(0));
                }
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("csv", csv.toAbsolutePath().toString());
        m.put("points", points.size());
        run.printJson(m);
        be.shutdown();
        return 0;
    }

    /** The plot (log x) and the Markdown table of the points so far. */
    private void writeFigures(List<Point> points, int testImages) throws IOException {
        Map<String, double[][]> series = new LinkedHashMap<>();
        for (String name : points.stream().map(Point::sampler).distinct().toList()) {
            List<Point> of = points.stream().filter(p -> p.sampler().equals(name)).toList();
            series.put(name, new double[][] {of.stream().mapToDouble(Point::networkEvaluations).toArray(),
                    of.stream().mapToDouble(p -> p.quality().frechetDistance()).toArray()});
        }
        LinePlot.write(out.resolve("sampler-curve.png"), "Fréchet distance against network evaluations",
                "network evaluations per sample", "Fréchet distance", series, true);
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "%d samples per point (seed %d) against %d "
                + "test images, %s.%n%n| sampler | steps | network evaluations | Fréchet distance | classifier score "
                + "| precision | recall | seconds |%n|---|---|---|---|---|---|---|---|%n", n, run.seed, testImages,
                checkpoint.describe()));
        for (Point p : points) {
            SampleQuality q = p.quality();
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %.3f | %.3f | %.3f | %.3f | %.0f |%n", p.sampler(),
                    p.steps(), p.networkEvaluations(), q.frechetDistance(), q.classifierScore(), q.precision(),
                    q.recall(), p.seconds()));
        }
        Files.writeString(out.resolve("sampler-curve.md"), md);
    }

    private void check(OptionChecks checks) {
        run.check(checks);
        checkpoint.check(checks);
        checks.readableFile("--classifier", classifier).dataDirectory("--data-dir", dataDir)
                .atLeast("--n", n, 2).atLeast("--batch", batch, 1)
                .require(!samplers.isEmpty() && !evaluations.isEmpty(), "--samplers and --evaluations need a value");
        for (String s : samplers) {
            checks.require(SamplingOptions.Method.named(s) != null,
                    "--samplers: '" + s + "' is not one of ancestral, ddim, dpm-solver++, heun");
        }
        for (int e : evaluations) {
            checks.require(e >= 1, "--evaluations must be at least 1, got " + e);
        }
    }
}
