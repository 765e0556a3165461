package org.ddpm4j.bench.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.ddpm4j.diffusion.ForwardProcess;
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

/**
 * {@code ddpm denoise}: adds Gaussian noise of a known σ to test images and draws the clean images from the
 * model's posterior (Sohl-Dickstein et al. Fig. 3). The PNG has three rows: originals, noisy inputs, results.
 */
@Command(name = "denoise", mixinStandardHelpOptions = true,
        description = "Denoise test images observed with Gaussian noise; writes originals, noisy inputs, results.")
public final class DenoiseCommand implements Callable<Integer> {
    @Mixin
    CheckpointOption checkpoint;

    @Option(names = "--sigma", description = "noise standard deviation on the [-1, 1] scale (default: ${DEFAULT-VALUE})")
    double sigma = 0.3;

    @Option(names = "--out", description = "PNG (default: ${DEFAULT-VALUE})")
    Path out = Path.of("denoised.png");

    @Mixin
    TestImageOptions images;

    @Mixin
    RunOptions run;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        check(new OptionChecks(spec.commandLine()));
        Backend be = run.backend();
        ImageModelFiles.Loaded loaded = checkpoint.load(be);
        Tensor x0 = images.load(), noisy = x0.zerosLike();
        SplittableRandom rng = new SplittableRandom(run.seed);
        ForwardProcess.gaussian(be, noisy, rng);
        float[] clean = x0.toArray();
        noisy.update(y -> {
            for (int i = 0; i < y.length; i++) {
                y[i] = (float) (clean[i] + sigma * y[i]);
            }
        });
        long start = System.nanoTime();
        Tensor result = new Sampler(loaded.diffusion()).denoiseObservation(loaded.model(), noisy, sigma, null, rng);
        double seconds = (System.nanoTime() - start) / 1e9;
        ImageGrid.write(out, PosteriorRows.stack(x0, noisy, result), x0.dim(0));
        double mseIn = 0, mseOut = 0;
        float[] truth = x0.toArray(), in = noisy.toArray(), denoised = result.toArray();
        for (int i = 0; i < truth.length; i++) {
            mseIn += Math.pow(in[i] - truth[i], 2) / truth.length;
            mseOut += Math.pow(denoised[i] - truth[i], 2) / truth.length;
        }
        System.out.printf("denoised %d images (σ = %.3f) in %.1f s: RMSE %.4f -> %.4f on [-1, 1]; %s%n", x0.dim(0),
                sigma, seconds, Math.sqrt(mseIn), Math.sqrt(mseOut), out.toAbsolutePath());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("images", x0.dim(0));
        m.put("sigma", sigma);
        m.put("rmse_noisy", Math.sqrt(mseIn));
        m.put("rmse_denoised", Math.sqrt(mseOut));
        m.put("seconds", seconds);
        m.put("png", out.toAbsolutePath().toString());
        run.printJson(m);
        be.shutdown();
        return 0;
    }

    /** Every option, before any work starts. */
    private void check(OptionChecks checks) {
        run.check(checks);
        checkpoint.check(checks);
        images.check(checks);
        checks.positive("--sigma", sigma).writableFile("--out", out);
    }
}
