package org.ddpm4j.bench.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.ddpm4j.diffusion.io.ImageGrid;
import org.ddpm4j.diffusion.io.ImageModelFiles;
import org.ddpm4j.diffusion.sample.Sampler;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ddpm sample}: draws images from a checkpoint written by {@code ddpm train} (its EMA weights). */
@Command(name = "sample", mixinStandardHelpOptions = true, description = "Sample images from a trained checkpoint.")
public final class SampleCommand implements Callable<Integer> {
    @Mixin
    CheckpointOption checkpoint;

    @Option(names = "--n", description = "number of images (default: ${DEFAULT-VALUE})")
    int n = 16;

    @Option(names = "--out", description = "PNG grid (default: ${DEFAULT-VALUE})")
    Path out = Path.of("ddpm-samples.png");

    @Option(names = "--steps", description = "sampling steps, evenly respaced over T; T = all (default: ${DEFAULT-VALUE})")
    int steps = 250;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--batch", description = "draw at most this many images at a time: memory grows with the batch "
            + "(default: ${DEFAULT-VALUE})")
    int batch = SampleBatches.DEFAULT_BATCH;

    @Option(names = "--npy", description = "also write the samples as a float32 .npy array [N, C, H, W] on the "
            + "[-1, 1] scale, for other tools or ddpm quality --images")
    Path npy;

    @Option(names = "--no-clip", description = "plain Algorithm 2: do not clip x̂₀ to [-1, 1]")
    boolean noClip;

    @Option(names = "--progressive", description = "also write x̂₀ of the first 4 samples every tenth of the run "
            + "(DDPM Fig. 6), one row per sample, to this PNG")
    Path progressive;

    @Option(names = "--class", description = "sample this class (a checkpoint trained with --classes)")
    Integer sampleClass;

    @Option(names = "--per-class", description = "a grid with one row per class and this many samples in each "
            + "(a checkpoint trained with --classes); replaces --n")
    Integer perClass;

    @Option(names = "--guidance", description = "classifier-free guidance weight w >= 0 for class-conditional "
            + "sampling (Ho & Salimans; 0: plain conditional)")
    Double guidance;

    @Mixin
    RunOptions run;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        check(new OptionChecks(spec.commandLine()));
        Backend be = run.backend();
        ImageModelFiles.Loaded loaded = checkpoint.load(be);
        Sampler sampler = sampling.sampler(loaded.diffusion(), steps).clipDenoised(!noClip && loaded.clipX0());
        var cfg = loaded.model().config();
        int[] labels = labels(cfg.numClasses());
        int count = labels != null ? labels.length : n, columns = perClass != null ? perClass : (int) Math.ceil(Math.sqrt(count));
        if (guidance != null) {
            sampler.guidance(guidance);
        }
        int snapshotsOf = Math.min(4, Math.min(count, batch)), every = Math.max(1, Math.min(steps, loaded.diffusion().schedule().steps()) / 10);
        java.util.List<Tensor> snapshots = new java.util.ArrayList<>();
        boolean[] firstBatch = {true};
        if (progressive != null) {
            // The callback's tensors are the sampler's buffers: copy the first samples' x̂₀ out, in the first batch.
            sampler.progress(every, (t, xt, x0) -> {
                if (!firstBatch[0]) {
                    return;
                }
                int per = x0.size() / x0.dim(0);
                snapshots.add(Tensor.of(java.util.Arrays.copyOf(x0.toArray(), snapshotsOf * per),
                        snapshotsOf, cfg.imageChannels(), cfg.imageSize(), cfg.imageSize()));
            });
        }
        long start = System.nanoTime();
        Tensor x = SampleBatches.draw(sampler, loaded.model(),
                new int[] {count, cfg.imageChannels(), cfg.imageSize(), cfg.imageSize()}, labels,
                new SplittableRandom(run.seed), batch, index -> firstBatch[0] = index == 0);
        double seconds = (System.nanoTime() - start) / 1e9;
        ImageGrid.write(out, x, columns);
        if (npy != null) {
            org.ddpm4j.diffusion.io.NpyWriter.write(npy, x);
        }
        if (progressive != null) {
            ImageGrid.write(progressive, ProgressiveStrip.rowsPerSample(snapshots), snapshots.size());
            System.out.println("progressive x̂₀: " + progressive.toAbsolutePath());
        }
        System.out.printf("%d samples in %.1f s (%s, %d network calls, %s): %s%n", count, seconds, sampler.methodName(),
                sampler.networkEvaluations(), be.describe(), out.toAbsolutePath());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("samples", count);
        m.put("guidance", guidance);
        m.put("sampler", sampler.methodName());
        m.put("network_evaluations", sampler.networkEvaluations());
        m.put("seconds", seconds);
        m.put("samples_png", out.toAbsolutePath().toString());
        run.printJson(m);
        be.shutdown();
        return 0;
    }

    /** The class of every sample, or null for unconditional sampling; checks the options against the model. */
    private int[] labels(int classes) {
        if (sampleClass == null && perClass == null) {
            if (guidance != null) {
                throw new IllegalArgumentException("--guidance needs --class or --per-class");
            }
            return null;
        }
        if (sampleClass != null && perClass != null) {
            throw new IllegalArgumentException("--class and --per-class exclude each other");
        }
        if (classes == 0) {
            throw new IllegalArgumentException(checkpoint.describe() + " is an unconditional model (train with --classes for "
                    + "--class, --per-class and --guidance)");
        }
        if (sampleClass != null && (sampleClass < 0 || sampleClass >= classes)) {
            throw new IllegalArgumentException("--class " + sampleClass + " is outside 0.." + (classes - 1));
        }
        if (perClass != null) {
            return java.util.stream.IntStream.range(0, classes * perClass).map(i -> i / perClass).toArray();
        }
        int[] all = new int[n];
        java.util.Arrays.fill(all, sampleClass);
        return all;
    }

    /** Every option, before the checkpoint is read (the class range once it is). */
    private void check(OptionChecks checks) {
        run.check(checks);
        checkpoint.check(checks);
        sampling.check(checks);
        checks.atLeast("--n", n, 1).atLeast("--steps", steps, 1).atLeast("--batch", batch, 1)
                .nonNegativeIfGiven("--guidance", guidance)
                .require(perClass == null || perClass >= 1, "--per-class must be at least 1, got " + perClass)
                .require(sampleClass == null || sampleClass >= 0, "--class must be at least 0, got " + sampleClass)
                .writableFile("--out", out).writableFile("--progressive", progressive)
                .writableFile("--npy", npy);
    }
}
