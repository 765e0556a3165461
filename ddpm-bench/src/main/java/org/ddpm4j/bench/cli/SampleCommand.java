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
import picocli.CommandLine.Option;

/** {@code ddpm sample}: draws images from a checkpoint written by {@code ddpm train} (its EMA weights). */
@Command(name = "sample", mixinStandardHelpOptions = true, description = "Sample images from a trained checkpoint.")
public final class SampleCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "checkpoint written by ddpm train")
    Path checkpoint;

    @Option(names = "--n", description = "number of images (default: ${DEFAULT-VALUE})")
    int n = 16;

    @Option(names = "--out", description = "PNG grid (default: ${DEFAULT-VALUE})")
    Path out = Path.of("ddpm-samples.png");

    @Option(names = "--steps", description = "sampling steps, evenly respaced over T; T = all (default: ${DEFAULT-VALUE})")
    int steps = 250;

    @Option(names = "--ddim-eta", description = "use DDIM with this η instead of ancestral sampling")
    Double ddimEta;

    @Option(names = "--no-clip", description = "plain Algorithm 2: do not clip x̂₀ to [-1, 1]")
    boolean noClip;

    @Option(names = "--progressive", description = "also write x̂₀ of the first 4 samples every tenth of the run "
            + "(DDPM Fig. 6), one row per sample, to this PNG")
    Path progressive;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        Backend be = run.backend();
        ImageModelFiles.Loaded loaded = ImageModelFiles.loadForSampling(checkpoint, be);
        Sampler sampler = new Sampler(loaded.diffusion()).clipDenoised(!noClip)
                .respaced(Math.min(steps, loaded.diffusion().schedule().steps()));
        if (ddimEta != null) {
            sampler.ddim(ddimEta);
        }
        var cfg = loaded.model().config();
        int snapshotsOf = Math.min(4, n), every = Math.max(1, Math.min(steps, loaded.diffusion().schedule().steps()) / 10);
        java.util.List<Tensor> snapshots = new java.util.ArrayList<>();
        if (progressive != null) {
            // The callback's tensors are the sampler's buffers: copy the first samples' x̂₀ out.
            sampler.progress(every, (t, xt, x0) -> {
                int per = x0.size() / x0.dim(0);
                snapshots.add(Tensor.of(java.util.Arrays.copyOf(x0.data(), snapshotsOf * per),
                        snapshotsOf, cfg.imageChannels(), cfg.imageSize(), cfg.imageSize()));
            });
        }
        long start = System.nanoTime();
        Tensor x = sampler.sample(loaded.model(), new int[] {n, cfg.imageChannels(), cfg.imageSize(), cfg.imageSize()},
                new SplittableRandom(run.seed));
        double seconds = (System.nanoTime() - start) / 1e9;
        ImageGrid.write(out, x, (int) Math.ceil(Math.sqrt(n)));
        if (progressive != null) {
            ImageGrid.write(progressive, ProgressiveStrip.rowsPerSample(snapshots), snapshots.size());
            System.out.println("progressive x̂₀: " + progressive.toAbsolutePath());
        }
        System.out.printf("%d samples in %.1f s (%d steps, %s): %s%n", n, seconds, steps, be.describe(), out.toAbsolutePath());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("samples", n);
        m.put("seconds", seconds);
        m.put("samples_png", out.toAbsolutePath().toString());
        run.printJson(m);
        be.shutdown();
        return 0;
    }
}
