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
import java.util.function.Consumer;
import org.ddpm4j.diffusion.eval.SampleQuality;
import org.ddpm4j.diffusion.io.ImageModelFiles;
import org.ddpm4j.diffusion.io.LinePlot;
import org.ddpm4j.diffusion.sample.Sampler;
import org.ddpm4j.nn.ImageClassifier;
import org.ddpm4j.nn.UNetConfig;
import org.ddpm4j.tensor.Tensor;

/**
 * Sample quality against network evaluations per sample, for several sampling methods on one unconditional model
 * ({@code ddpm sampler-curve}, and the report's section). Every point samples the same number of images from the
 * same seed and measures them against the same test images; each point is written to {@code DIR/sampler-curve.csv},
 * {@code .md} and {@code .png} as soon as it is measured, so a long run that stops keeps its points.
 *
 * @param budgets the methods in order, each with the network evaluations per sample it is measured at (Heun's
 *                2n − 1 rounds an even count down)
 * @param n       samples per point
 * @param batch   samples drawn at a time
 * @param seed    the sampling seed of every point
 */
record SamplerCurve(Map<SamplingOptions.Method, List<Integer>> budgets, int n, int batch, long seed) {

    /** Every method in {@code samplers} at every budget in {@code evaluations}. */
    static SamplerCurve grid(List<SamplingOptions.Method> samplers, List<Integer> evaluations, int n, int batch,
                             long seed) {
        Map<SamplingOptions.Method, List<Integer>> budgets = new LinkedHashMap<>();
        samplers.forEach(m -> budgets.put(m, evaluations));
        return new SamplerCurve(budgets, n, batch, seed);
    }

    /** One measured point of the curve. */
    record Point(String sampler, int steps, int networkEvaluations, SampleQuality quality, double seconds) {
    }

    /**
     * Measures every point in turn, writing the files under {@code out} (which must exist) after each one and
     * telling {@code measured} about it; {@code modelName} names the model in the table's caption.
     */
    List<Point> measure(ImageModelFiles.Loaded loaded, ImageClassifier classifier, Tensor reference, Path out,
                        String modelName, Consumer<Point> measured) throws IOException {
        UNetConfig cfg = loaded.model().config();
        if (cfg.numClasses() != 0) {
            throw new IllegalArgumentException(modelName + " is class-conditional: the curve measures unconditional "
                    + "samplers (use ddpm quality --guidance for a conditional model)");
        }
        List<Point> points = new ArrayList<>();
        try (Writer w = Files.newBufferedWriter(out.resolve("sampler-curve.csv"))) {
            w.write("sampler,steps,network_evaluations,frechet_distance,classifier_score,precision,recall,seconds\n");
            w.flush();
            for (Map.Entry<SamplingOptions.Method, List<Integer>> budget : budgets.entrySet()) {
                SamplingOptions.Method method = budget.getKey();
                for (int e : budget.getValue()) {
                    int steps = method == SamplingOptions.Method.HEUN ? (e + 1) / 2 : e;
                    Sampler sampler = SamplingOptions.sampler(loaded.diffusion(), method, steps, 0)
                            .clipDenoised(loaded.clipX0());
                    long start = System.nanoTime();
                    Tensor samples = SampleBatches.draw(sampler, loaded.model(),
                            new int[] {n, cfg.imageChannels(), cfg.imageSize(), cfg.imageSize()}, null,
                            new SplittableRandom(seed), batch);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    Point p = new Point(method.cliName, steps, sampler.networkEvaluations(),
                            SampleQuality.measure(classifier, samples, null, reference), seconds);
                    points.add(p);
                    SampleQuality q = p.quality();
                    w.write(String.format(Locale.ROOT, "%s,%d,%d,%.4f,%.4f,%.4f,%.4f,%.1f%n", p.sampler(), p.steps(),
                            p.networkEvaluations(), q.frechetDistance(), q.classifierScore(), q.precision(), q.recall(),
                            p.seconds()));
                    w.flush();
                    writeFigures(points, out, reference.dim(0), modelName);
                    measured.accept(p);
                }
            }
        }
        return points;
    }

    /** The plot (log x) and the Markdown table of the points so far. */
    private void writeFigures(List<Point> points, Path out, int testImages, String modelName) throws IOException {
        Map<String, double[][]> series = new LinkedHashMap<>();
        for (String name : points.stream().map(Point::sampler).distinct().toList()) {
            List<Point> of = points.stream().filter(p -> p.sampler().equals(name)).toList();
            series.put(name, new double[][] {of.stream().mapToDouble(Point::networkEvaluations).toArray(),
                    of.stream().mapToDouble(p -> p.quality().frechetDistance()).toArray()});
        }
        LinePlot.write(out.resolve("sampler-curve.png"), "Fréchet distance against network evaluations",
                "network evaluations per sample", "Fréchet distance", series, true);
        Files.writeString(out.resolve("sampler-curve.md"), table(points, testImages, modelName));
    }

    /** The points as a Markdown table with its caption. */
    String table(List<Point> points, int testImages, String modelName) {
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "%d samples per point (seed %d) against %d "
                + "test images, %s.%n%n| sampler | steps | network evaluations | Fréchet distance | classifier score "
                + "| precision | recall | seconds |%n|---|---|---|---|---|---|---|---|%n", n, seed, testImages,
                modelName));
        for (Point p : points) {
            SampleQuality q = p.quality();
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %.3f | %.3f | %.3f | %.3f | %.0f |%n", p.sampler(),
                    p.steps(), p.networkEvaluations(), q.frechetDistance(), q.classifierScore(), q.precision(),
                    q.recall(), p.seconds()));
        }
        return md.toString();
    }
}
