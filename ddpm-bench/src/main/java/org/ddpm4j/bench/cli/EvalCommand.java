package org.ddpm4j.bench.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.ddpm4j.diffusion.Bound;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.data.ImageDatasets;
import org.ddpm4j.diffusion.io.ImageModelFiles;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ddpm eval}: the variational bound of a trained image model on test images, in bits/dim, with the
 * rate/distortion table of DDPM's Table 4 (bits received down to step t, and the RMSE of x̂₀ read off there).
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Variational bound (bits/dim) and rate/distortion of a trained checkpoint on test images.")
public final class EvalCommand implements Callable<Integer> {
    @Mixin
    CheckpointOption checkpoint;

    @Option(names = "--data-dir", description = "directory with t10k-images-idx3-ubyte[.gz] (default: ${DEFAULT-VALUE})")
    Path dataDir = ImageDatasets.DEBIAN_FASHION_MNIST;

    @Option(names = "--n", description = "test images (the first n; default: ${DEFAULT-VALUE})")
    int n = 16;

    @Option(names = "--timesteps", description = "estimate each image's bound from this many of its T − 1 KL terms "
            + "(stratified draws, unbiased; the standard error includes the draw) instead of all of them: "
            + "T/(k + 1) times faster")
    Integer timesteps;

    @Option(names = "--batch", description = "with --timesteps: images per model call (default: ${DEFAULT-VALUE})")
    int batch = 100;

    @Mixin
    RunOptions run;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        check(new OptionChecks(spec.commandLine()));
        Backend be = run.backend();
        ImageModelFiles.Loaded loaded = checkpoint.load(be);
        Dataset test = ImageDatasets.mnistFormat(dataDir, false);
        Tensor x0 = test.first(n);
        if (timesteps != null) {
            return estimate(loaded, test, be);
        }
        long start = System.nanoTime();
        Bound b = loaded.diffusion().bound(loaded.model(), x0, null, new SplittableRandom(run.seed));
        double seconds = (System.nanoTime() - start) / 1e9;
        int steps = b.terms().length;
        System.out.printf("bound on %d test images: %.3f ± %.3f %s (standard error; L_T %.4f, L_0 %.3f), %.1f s,"
                + " model step %d%n", x0.dim(0), b.total(), b.standardError(), b.unit(), b.prior(), b.terms()[0],
                seconds, loaded.step());
        System.out.println("    t   rate (bits/dim)   distortion (RMSE, [0,255])");
        for (int t : new int[] {steps - 1, (int) (steps * 0.9), (int) (steps * 0.75), steps / 2, steps / 4, steps / 10,
                steps / 20, steps / 100, 0}) {
            System.out.printf("%5d   %15.3f   %10.2f%n", t + 1, b.rateAt(t), b.distortion()[t]);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bits_per_dim", b.total());
        m.put("bits_per_dim_standard_error", b.standardError());
        m.put("prior_bits_per_dim", b.prior());
        m.put("decoder_bits_per_dim", b.terms()[0]);
        m.put("images", x0.dim(0));
        m.put("seconds", seconds);
        run.printJson(m);
        be.shutdown();
        return 0;
    }

    /** The stratified estimate over the first n test images, batch by batch. */
    private int estimate(ImageModelFiles.Loaded loaded, Dataset test, Backend be) throws Exception {
        int count = Math.min(n, test.size());
        SplittableRandom rng = new SplittableRandom(run.seed);
        java.util.List<org.ddpm4j.diffusion.BoundEstimate> parts = new java.util.ArrayList<>();
        long start = System.nanoTime();
        for (int from = 0; from < count; from += batch) {
            Tensor x0 = test.batch(java.util.stream.IntStream.range(from, Math.min(count, from + batch)).toArray());
            parts.add(loaded.diffusion().boundEstimate(loaded.model(), x0, null, rng.split(), timesteps));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        var b = org.ddpm4j.diffusion.BoundEstimate.concat(parts);
        System.out.printf("bound on %d test images, estimated from %d of the %d KL terms per image: %.4f ± %.4f %s "
                + "(standard error), L_0 %.4f, %.1f s, model step %d%n", count, b.timesteps(),
                loaded.diffusion().schedule().steps() - 1, b.total(), b.standardError(), b.unit(), b.meanDecoder(),
                seconds, loaded.step());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bits_per_dim", b.total());
        m.put("bits_per_dim_standard_error", b.standardError());
        m.put("decoder_bits_per_dim", b.meanDecoder());
        m.put("estimated_from_timesteps", b.timesteps());
        m.put("images", count);
        m.put("seconds", seconds);
        run.printJson(m);
        be.shutdown();
        return 0;
    }

    /** Every option, before any work starts. */
    private void check(OptionChecks checks) {
        run.check(checks);
        checkpoint.check(checks);
        checks.atLeast("--n", n, 1).atLeast("--batch", batch, 1).dataDirectory("--data-dir", dataDir)
                .require(timesteps == null || timesteps >= 1, "--timesteps must be at least 1, got " + timesteps);
    }
}
