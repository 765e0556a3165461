package org.ddpm4j.bench.cli;

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
import org.ddpm4j.diffusion.io.LinePlot;
import org.ddpm4j.diffusion.io.ScatterPlot;
import org.ddpm4j.diffusion.sample.Sampler;
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
 * {@code ddpm report}: trains what it needs and writes {@code DIR/report.md} with PNG figures — Fashion-MNIST
 * samples (one row per class), progressive generation, the bound in bits/dim with DDPM's rate/distortion table and
 * plot, a classifier-free-guidance sweep (Fréchet distance and class accuracy over w, as Ho &amp; Salimans' Fig. 2),
 * and the swiss-roll and heartbeat bounds beside the published ones. Every number states how it was produced.
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
        line("Written by `ddpm report" + (tiny ? " --tiny" : quick ? " --quick" : "") + " --seed " + run.seed + "` on "
                + Instant.now() + ", backend " + be.describe() + ", data " + dataDir + " (" + train.size()
                + " training and " + test.size() + " test images). Settings: " + plan + ".");

        ImageClassifier classifier = classifierSection(plan, train, test, be);
        ImageModel trained = modelSection(plan, train, be);
        UNet model = trained.model();
        GaussianDiffusion diffusion = trained.diffusion();
        samplesSection(plan, model, diffusion, train.numClasses());
        boundSection(plan, model, diffusion, test);
        guidanceSection(plan, model, diffusion, classifier, test, train.numClasses());
        toySection(plan, be);
        line("");
        line(String.format(Locale.ROOT, "Total time %.0f s.", seconds(start)));
        Files.writeString(out.resolve("report.md"), md.toString());
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
        return r.model();
    }

    /** The trained class-conditional U-Net (EMA weights swapped in) and its diffusion. */
    private record ImageModel(UNet model, GaussianDiffusion diffusion) {
    }

    private ImageModel modelSection(ReportPlan plan, Dataset train, Backend be) {
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
        return new ImageModel(model, diffusion);
    }

    private void samplesSection(ReportPlan plan, UNet model, GaussianDiffusion diffusion, int classes) throws Exception {
        int perClass = 8;
        int[] labels = IntStream.range(0, classes * perClass).map(i -> i / perClass).toArray();
        long t0 = System.nanoTime();
        Tensor grid = new Sampler(diffusion).respaced(plan.samplingSteps()).sample(model,
                new int[] {labels.length, 1, 32, 32}, labels, new SplittableRandom(run.seed + 1));
        ImageGrid.write(out.resolve("samples.png"), grid, perClass);
        section("Samples");
        line(String.format(Locale.ROOT, "One row per class (0–%d), %d respaced ancestral steps, x̂₀ clipped, no guidance, "
                + "seed %d; %.0f s for %d images.", classes - 1, plan.samplingSteps(), run.seed + 1, seconds(t0), labels.length));
        line("");
        line("![samples](samples.png)");
        List<Tensor> snapshots = new ArrayList<>();
        int shown = 4, every = Math.max(1, plan.samplingSteps() / 8);
        new Sampler(diffusion).respaced(plan.samplingSteps()).progress(every, (t, xt, x0) -> snapshots.add(
                Tensor.of(java.util.Arrays.copyOf(x0.toArray(), shown * 32 * 32), shown, 1, 32, 32))).sample(model,
                new int[] {shown, 1, 32, 32}, new int[] {0, 1, 7, 9}, new SplittableRandom(run.seed + 2));
        ImageGrid.write(out.resolve("progressive.png"), ProgressiveStrip.rowsPerSample(snapshots), snapshots.size());
        section("Progressive generation");
        line("x̂₀ every " + every + " of the " + plan.samplingSteps() + " steps, left to right (DDPM Fig. 6), classes 0, 1,"
                + " 7, 9.");
        line("");
        line("![progressive](progressive.png)");
    }

    private void boundSection(ReportPlan plan, UNet model, GaussianDiffusion diffusion, Dataset test) throws Exception {
        int n = Math.min(plan.boundImages(), test.size());
        int[] idx = IntStream.range(0, n).toArray(), labels = IntStream.range(0, n).map(test::label).toArray();
        long t0 = System.nanoTime();
        Bound b = diffusion.bound(model, test.batch(idx), labels, new SplittableRandom(run.seed + 3));
        section("Likelihood and rate/distortion");
        line(String.format(Locale.ROOT, "Variational bound on the first %d test images (their labels given), every one "
                + "of the %d steps: **%.3f bits/dim** (L_T %.4f, L₀ %.3f); %.0f s.", n, plan.diffusionSteps(), b.total(),
                b.prior(), b.terms()[0], seconds(t0)));
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
    }

    private void guidanceSection(ReportPlan plan, UNet model, GaussianDiffusion diffusion, ImageClassifier classifier,
                                 Dataset test, int classes) throws Exception {
        int n = plan.sweepSamples();
        Tensor reference = test.batch(IntStream.range(0, Math.min(n, test.size())).toArray());
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
            Tensor samples = SampleBatches.draw(new Sampler(diffusion).respaced(plan.samplingSteps()).guidance(w[i]),
                    model, new int[] {labels.length, 1, 32, 32}, labels, new SplittableRandom(run.seed + 4),
                    SampleBatches.DEFAULT_BATCH);
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
        checks.require(!Files.exists(out) || Files.isDirectory(out), "--out " + out + ": exists and is not a folder")
                .writableFile("--out", out.resolve("report.md")).dataDirectory("--data-dir", dataDir);
    }
}
