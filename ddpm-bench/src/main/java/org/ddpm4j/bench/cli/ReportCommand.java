package org.ddpm4j.bench.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.ddpm4j.diffusion.Bound;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.Schedules;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.data.Heartbeat;
import org.ddpm4j.diffusion.data.ImageDatasets;
import org.ddpm4j.bench.demo.HeartbeatDemo;
import org.ddpm4j.bench.demo.SwissRollDemo;
import org.ddpm4j.diffusion.eval.ClassifierTraining;
import org.ddpm4j.diffusion.eval.SampleQuality;
import org.ddpm4j.diffusion.io.ImageGrid;
import org.ddpm4j.diffusion.io.ImageModelFiles;
import org.ddpm4j.diffusion.io.LinePlot;
import org.ddpm4j.diffusion.io.ScatterPlot;
import org.ddpm4j.diffusion.train.Trainer;
import org.ddpm4j.diffusion.train.TrainingListener;
import org.ddpm4j.nn.ImageClassifier;
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
 * {@code ddpm report}: trains what it needs (or takes a trained model and classifier) and writes {@code DIR/report.md}
 * with PNG figures — Fashion-MNIST samples (one row per class for a conditional model), progressive generation, the
 * bound in bits/dim with DDPM's rate/distortion table and plot, then for a class-conditional model a
 * classifier-free-guidance sweep (Fréchet distance and class accuracy over w, as Ho &amp; Salimans' Fig. 2) and for
 * an unconditional one the sampler curve (Fréchet distance against network evaluations), and the swiss-roll and
 * heartbeat bounds beside the published ones. Every number states how it was produced. {@code report.md} is
 * rewritten after each section, so a run that stops keeps what it measured.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Train, sample and measure; write DIR/report.md with figures (--quick: minutes; default: hours).")
public final class ReportCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "folder for report.md and its figures")
    Path out;

    @Option(names = "--quick", description = "much smaller runs: minutes on 2 cores instead of hours")
    boolean quick;

    @Option(names = "--tiny", hidden = true, description = "seconds: only for testing the command itself")
    boolean tiny;

    @Option(names = "--data-dir", description = "directory with the MNIST-format files (default: ${DEFAULT-VALUE})")
    Path dataDir = ImageDatasets.DEBIAN_FASHION_MNIST;

    @Option(names = "--checkpoint", description = "report on this model (written by ddpm train or ddpm export) "
            + "instead of training one: an unconditional model gets the sampler curve, a class-conditional one the "
            + "guidance sweep")
    Path checkpoint;

    @Option(names = "--classifier", description = "the feature classifier, written by ddpm classifier, instead of "
            + "training one")
    Path classifierFile;

    @Mixin
    RunOptions run;

    private final StringBuilder md = new StringBuilder();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        check(new OptionChecks(spec.commandLine()));
        ReportPlan plan = tiny ? ReportPlan.tiny() : quick ? ReportPlan.quick() : ReportPlan.full();
        Backend be = run.backend();
        Files.createDirectories(out);
        long start = System.nanoTime();
        Dataset train = ImageDatasets.mnistFormat(dataDir, true), test = ImageDatasets.mnistFormat(dataDir, false);
        line("# ddpm4j report");
        line("");
        line("Written by `ddpm report" + (tiny ? " --tiny" : quick ? " --quick" : "")
                + (checkpoint != null ? " --checkpoint " + checkpoint : "")
                + (classifierFile != null ? " --classifier " + classifierFile : "") + " --seed " + run.seed + "` on "
                + Instant.now() + ", backend " + be.describe() + ", data " + dataDir + " (" + train.size()
                + " training and " + test.size() + " test images). Settings: " + plan + ".");

        ImageClassifier classifier = classifierFile != null ? givenClassifierSection(test, be)
                : classifierSection(plan, train, test, be);
        ImageModelFiles.Loaded model = checkpoint != null ? givenModelSection(be) : modelSection(plan, train, be);
        samplesSection(plan, model, train.numClasses());
        boundSection(plan, model, test);
        if (conditional(model)) {
            guidanceSection(plan, model, classifier, test, train.numClasses());
        } else {
            curveSection(plan, model, classifier, test);
        }
        toySection(plan, be);
        line("");
        line(String.format(Locale.ROOT, "Total time %.0f s.", seconds(start)));
        write();
        System.out.println("report: " + out.resolve("report.md").toAbsolutePath());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("report", out.resolve("report.md").toAbsolutePath().toString());
        m.put("seconds", seconds(start));
        run.printJson(m);
        be.shutdown();
        return 0;
    }

    private ImageClassifier classifierSection(ReportPlan plan, Dataset train, Dataset test, Backend be) throws Exception {
        ClassifierTraining.Settings s = new ClassifierTraining.Settings(plan.classifierSteps(), 128, 1e-3, run.seed);
        ClassifierTraining.Result r = ClassifierTraining.train(ImageClassifier.Config.fashionMnist(), train, test, s, be,
                TrainingListener.NONE);
        ClassifierTraining.save(out.resolve("classifier.safetensors"), r);
        section("Feature classifier");
        line(String.format(Locale.ROOT, "`ImageClassifier` (128 features), %d steps of batch 128 in %.0f s: **%.2f%%** "
                + "test accuracy on %d images. Its features are the space of every distance below.",
                plan.classifierSteps(), r.trainSeconds(), 100 * r.testAccuracy(), test.size()));
        write();
        return r.model();
    }

    private ImageClassifier givenClassifierSection(Dataset test, Backend be) throws IOException {
        ImageClassifier c = ClassifierTraining.load(classifierFile, be);
        section("Feature classifier");
        line(String.format(Locale.ROOT, "`ImageClassifier` from `%s`: **%.2f%%** test accuracy on %d images. Its "
                + "features are the space of every distance below.", classifierFile,
                100 * ClassifierTraining.accuracy(c, test), test.size()));
        write();
        return c;
    }

    /** Whether the report's model takes class labels (and so gets the guidance sweep). */
    private static boolean conditional(ImageModelFiles.Loaded m) {
        return m.model().config().numClasses() != 0;
    }

    private ImageModelFiles.Loaded givenModelSection(Backend be) throws IOException {
        ImageModelFiles.Loaded loaded = ImageModelFiles.loadForSampling(checkpoint, be);
        UNet model = loaded.model();
        GaussianDiffusion d = loaded.diffusion();
        section("Fashion-MNIST diffusion model");
        line(String.format(Locale.ROOT, "`%s`, step %d: U-Net %s, %,d parameters; T = %d, %s schedule, %s mean, %s "
                + "variance, %s loss; its saved weights (the EMA's, for a file from `ddpm export`) are used below.",
                checkpoint, loaded.step(), model.config(), model.parameterCount(), d.schedule().steps(),
                d.schedule().name(), d.meanType(), d.varianceType(), d.lossType()));
        write();
        return loaded;
    }

    private ImageModelFiles.Loaded modelSection(ReportPlan plan, Dataset train, Backend be) throws IOException {
        UNetConfig cfg = UNetConfig.smallGrayscale().withChannels(plan.unetChannels()).withClasses(train.numClasses());
        UNet model = new UNet(cfg, be, new SplittableRandom(run.seed));
        double scale = 1000.0 / plan.diffusionSteps();
        GaussianDiffusion diffusion = GaussianDiffusion.builder().schedule(Schedules.linear(plan.diffusionSteps(),
                1e-4 * scale, Math.min(0.02 * scale, 0.999))).build();
        long t0 = System.nanoTime();
        Trainer trainer = Trainer.builder(model, diffusion).data(train).batchSize(plan.unetBatch()).flips(true)
                .conditional(true).labelDropout(0.1).seed(run.seed).modelConfig(cfg).build();
        double loss = trainer.train(plan.unetSteps(), TrainingListener.NONE);
        trainer.ema().swap();
        section("Fashion-MNIST diffusion model");
        line(String.format(Locale.ROOT, "Class-conditional U-Net (ch %d, %,d parameters, label dropout 0.1), T = %d "
                + "linear β, L_simple, Adam 2e-4, EMA 0.9999, batch %d, %d steps in %.0f s, final loss %.4f; the "
                + "EMA weights are used below.", plan.unetChannels(), model.parameterCount(), plan.diffusionSteps(),
                plan.unetBatch(), plan.unetSteps(), seconds(t0), loss));
        write();
        return new ImageModelFiles.Loaded(model, diffusion, plan.unetSteps());
    }

    private void samplesSection(ReportPlan plan, ImageModelFiles.Loaded m, int classes) throws Exception {
        int perRow = 8;
        boolean conditional = conditional(m);
        int count = conditional ? classes * perRow : perRow * perRow;
        int[] labels = conditional ? IntStream.range(0, count).map(i -> i / perRow).toArray() : null;
        int steps = Math.min(plan.samplingSteps(), m.diffusion().schedule().steps());
        long t0 = System.nanoTime();
        Tensor grid = m.sampler(steps).sample(m.model(), imageShape(m, count), labels, new SplittableRandom(run.seed + 1));
        ImageGrid.write(out.resolve("samples.png"), grid, perRow);
        section("Samples");
        line(String.format(Locale.ROOT, "%s, %d respaced ancestral steps, x̂₀ %s, no guidance, seed %d; %.0f s for %d "
                + "images.", conditional ? "One row per class (0–" + (classes - 1) + ")" : "Unconditional", steps,
                m.clipX0() ? "clipped" : "not clipped", run.seed + 1, seconds(t0), count));
        line("");
        line("![samples](samples.png)");
        List<Tensor> snapshots = new ArrayList<>();
        int shown = 4, every = Math.max(1, steps / 8), per = imageSize(m);
        int[] shownShape = imageShape(m, shown);
        m.sampler(steps).progress(every, (t, xt, x0) -> snapshots.add(
                Tensor.of(java.util.Arrays.copyOf(x0.toArray(), shown * per), shownShape))).sample(m.model(),
                shownShape, conditional ? new int[] {0, 1, 7, 9} : null, new SplittableRandom(run.seed + 2));
        ImageGrid.write(out.resolve("progressive.png"), ProgressiveStrip.rowsPerSample(snapshots), snapshots.size());
        section("Progressive generation");
        line("x̂₀ every " + every + " of the " + steps + " steps, left to right (DDPM Fig. 6)"
                + (conditional ? ", classes 0, 1, 7, 9." : "."));
        line("");
        line("![progressive](progressive.png)");
        write();
    }

    private static int[] imageShape(ImageModelFiles.Loaded m, int count) {
        UNetConfig c = m.model().config();
        return new int[] {count, c.imageChannels(), c.imageSize(), c.imageSize()};
    }

    private static int imageSize(ImageModelFiles.Loaded m) {
        UNetConfig c = m.model().config();
        return c.imageChannels() * c.imageSize() * c.imageSize();
    }

    private void boundSection(ReportPlan plan, ImageModelFiles.Loaded m, Dataset test) throws Exception {
        int n = Math.min(plan.boundImages(), test.size());
        int[] idx = IntStream.range(0, n).toArray();
        int[] labels = conditional(m) ? IntStream.range(0, n).map(test::label).toArray() : null;
        long t0 = System.nanoTime();
        Bound b = m.diffusion().bound(m.model(), test.batch(idx), labels, new SplittableRandom(run.seed + 3));
        section("Likelihood and rate/distortion");
        line(String.format(Locale.ROOT, "Variational bound on the first %d test images%s, every one of the %d steps: "
                + "**%.3f bits/dim** (L_T %.4f, L₀ %.3f); %.0f s.", n, conditional(m) ? " (their labels given)" : "",
                m.diffusion().schedule().steps(), b.total(), b.prior(), b.terms()[0], seconds(t0)));
        line("");
        line("| t | rate (bits/dim) | distortion (RMSE, [0, 255]) |");
        line("|---|---|---|");
        int steps = b.terms().length;
        double[] rate = new double[steps], distortion = new double[steps];
        for (int t = 0; t < steps; t++) {
            rate[t] = b.rateAt(t);
            distortion[t] = b.distortion()[t];
        }
        for (int t : new int[] {steps - 1, steps * 3 / 4, steps / 2, steps / 4, steps / 10, steps / 100, 0}) {
            line(String.format(Locale.ROOT, "| %d | %.3f | %.2f |", t + 1, rate[t], distortion[t]));
        }
        LinePlot.write(out.resolve("rate_distortion.png"), "Rate/distortion (DDPM Fig. 5)", "rate (bits/dim)",
                "distortion (RMSE, [0, 255])", Map.of("test images", new double[][] {rate, distortion}));
        line("");
        line("![rate/distortion](rate_distortion.png)");
        write();
    }

    private void guidanceSection(ReportPlan plan, ImageModelFiles.Loaded m, ImageClassifier classifier, Dataset test, int classes)
            throws Exception {
        int n = plan.sweepSamples();
        Tensor reference = test.first(n);
        int[] labels = IntStream.range(0, n).map(i -> i % classes).toArray();
        double[] w = ReportPlan.GUIDANCE, fd = new double[w.length], accuracy = new double[w.length];
        section("Classifier-free guidance");
        line(String.format(Locale.ROOT, "%d samples per weight (classes in turn), %d respaced steps, against the first "
                + "%d test images, in the classifier's features (Ho & Salimans Fig. 2).", n, plan.samplingSteps(),
                reference.dim(0)));
        line("");
        line("| w | Fréchet distance | class accuracy | classifier score | precision | recall | seconds |");
        line("|---|---|---|---|---|---|---|");
        for (int i = 0; i < w.length; i++) {
            long t0 = System.nanoTime();
            // Guidance doubles each batch: the default batch of 100 keeps the U-Net's activations small.
            Tensor samples = SampleBatches.draw(m.sampler(plan.samplingSteps()).guidance(w[i]), m.model(),
                    imageShape(m, labels.length), labels, new SplittableRandom(run.seed + 4), SampleBatches.DEFAULT_BATCH);
            SampleQuality q = SampleQuality.measure(classifier, samples, labels, reference);
            fd[i] = q.frechetDistance();
            accuracy[i] = q.classAccuracy();
            line(String.format(Locale.ROOT, "| %.1f | %.3f | %.3f | %.3f | %.3f | %.3f | %.0f |", w[i], fd[i], accuracy[i],
                    q.classifierScore(), q.precision(), q.recall(), seconds(t0)));
        }
        LinePlot.write(out.resolve("guidance_fd.png"), "Guidance: Fréchet distance", "w", "Fréchet distance",
                Map.of("samples", new double[][] {w, fd}));
        LinePlot.write(out.resolve("guidance_accuracy.png"), "Guidance: class accuracy", "w", "class accuracy",
                Map.of("samples", new double[][] {w, accuracy}));
        line("");
        line("![Fréchet distance over w](guidance_fd.png) ![class accuracy over w](guidance_accuracy.png)");
        write();
    }

    private void curveSection(ReportPlan plan, ImageModelFiles.Loaded m, ImageClassifier classifier, Dataset test)
            throws Exception {
        int n = plan.curveSamples();
        Tensor reference = test.first(n);
        SamplerCurve curve = new SamplerCurve(plan.curveBudgets(), n, SampleBatches.DEFAULT_BATCH, run.seed + 4);
        String name = "`" + checkpoint + "`";
        section("Fewer network evaluations per sample");
        line("Fréchet distance against network evaluations per sample for ancestral sampling (DDPM Alg. 2, respaced), "
                + "DDIM (η = 0) and DPM-Solver++(2M) (steps even in log-SNR), each from the same initial noise.");
        line("");
        List<SamplerCurve.Point> points = curve.measure(m, classifier, reference, out, name, p -> { });
        md.append(curve.table(points, reference.dim(0), name));
        line("");
        line("![sampler curve](sampler-curve.png)");
        write();
    }

    private void toySection(ReportPlan plan, Backend be) throws Exception {
        SwissRollDemo.Result roll = SwissRollDemo.run(SwissRollDemo.Settings.builder()
                .trainSteps(plan.swissRollSteps()).seed(run.seed).networks(plan.swissRollNetworks()).build(), be,
                TrainingListener.NONE);
        ScatterPlot.write(out.resolve("swissroll.png"), "swiss roll: samples over held-out data", roll.testPoints().all(),
                roll.samples());
        HeartbeatDemo.Result beat = HeartbeatDemo.run(HeartbeatDemo.Settings.defaults()
                .withDiffusionSteps(plan.heartbeatT()).withTrainSteps(plan.heartbeatSteps()).withSeed(run.seed), be,
                TrainingListener.NONE);
        section("Toy likelihoods (Sohl-Dickstein et al. Table 1)");
        line("| data | our bound K | true log-likelihood | published K | training |");
        line("|---|---|---|---|---|");
        line(String.format(Locale.ROOT, "| swiss roll (bits/point) | %.3f | %.3f | %.2f (their own roll: not comparable) "
                        + "| %d × %d steps, %.0f s |", roll.loglikBoundBits(), roll.trueLoglikBits(),
                DemoCommand.SOHL_DICKSTEIN_K_BITS, plan.swissRollNetworks(), plan.swissRollSteps(),
                roll.trainSeconds()));
        line(String.format(Locale.ROOT, "| heartbeat (bits/sequence), T = %d | %.3f | %.3f | %.3f | %d steps, %.0f s |",
                plan.heartbeatT(), beat.loglikBoundBits(), Heartbeat.TRUE_LOGLIK_BITS, Heartbeat.SOHL_DICKSTEIN_BOUND_BITS,
                plan.heartbeatSteps(), beat.trainSeconds()));
        line("");
        line("![swiss roll](swissroll.png)");
        write();
    }

    /** report.md as written so far. */
    private void write() throws IOException {
        Files.writeString(out.resolve("report.md"), md.toString());
    }

    private void section(String title) {
        line("");
        line("## " + title);
        line("");
    }

    private void line(String s) {
        md.append(s).append('\n');
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Every option, before any work starts. */
    private void check(OptionChecks checks) {
        run.check(checks);
        if (checkpoint != null) {
            checks.readableFile("--checkpoint", checkpoint);
        }
        if (classifierFile != null) {
            checks.readableFile("--classifier", classifierFile);
        }
        checks.require(!Files.exists(out) || Files.isDirectory(out), "--out " + out + ": exists and is not a folder")
                .writableFile("--out", out.resolve("report.md")).dataDirectory("--data-dir", dataDir);
    }
}
