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

/**
 * {@code ddpm inpaint}: fills a masked region of test images from the model's posterior (Sohl-Dickstein et al.
 * §2.5, their Fig. 5). The PNG has three rows: the images, the known pixels (the rest grey), the inpainted images.
 */
@Command(name = "inpaint", mixinStandardHelpOptions = true,
        description = "Inpaint a region of test images with a trained checkpoint; writes originals, inputs, results.")
public final class InpaintCommand implements Callable<Integer> {
    /** The region to sample; the rest of the image is known. */
    enum Region { LEFT, RIGHT, TOP, BOTTOM, CENTER }

    @Mixin
    CheckpointOption checkpoint;

    @Option(names = "--region", description = "region to sample: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    Region region = Region.RIGHT;

    @Option(names = "--steps", description = "sampling steps, respaced over T (default: ${DEFAULT-VALUE})")
    int steps = 250;

    @Option(names = "--out", description = "PNG (default: ${DEFAULT-VALUE})")
    Path out = Path.of("inpainted.png");

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
        Tensor x0 = images.load(), known = mask(x0);
        Sampler sampler = loaded.sampler(steps);
        long start = System.nanoTime();
        Tensor result = sampler.inpaint(loaded.model(), x0, known, null, new SplittableRandom(run.seed));
        double seconds = (System.nanoTime() - start) / 1e9;
        float[] mask = known.toArray();
        Tensor input = x0.copy().update(in -> {
            for (int i = 0; i < in.length; i++) {
                in[i] = mask[i] != 0 ? in[i] : 0f;
            }
        });
        ImageGrid.write(out, PosteriorRows.stack(x0, input, result), x0.dim(0));
        System.out.printf("inpainted the %s of %d images in %.1f s: %s%n", region.name().toLowerCase(), x0.dim(0),
                seconds, out.toAbsolutePath());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("images", x0.dim(0));
        m.put("seconds", seconds);
        m.put("png", out.toAbsolutePath().toString());
        run.printJson(m);
        be.shutdown();
        return 0;
    }

    /** 1 where the pixel is known (outside the region), 0 inside it. */
    private Tensor mask(Tensor x) {
        float[] mv = new float[x.size()];
        int size = x.dim(3), per = x.size() / x.dim(0), plane = size * size;
        for (int i = 0; i < x.size(); i++) {
            int p = (i % per) % plane, row = p / size, col = p % size, half = size / 2, q = size / 4;
            boolean inside = switch (region) {
                case LEFT -> col < half;
                case RIGHT -> col >= half;
                case TOP -> row < half;
                case BOTTOM -> row >= half;
                case CENTER -> row >= q && row < size - q && col >= q && col < size - q;
            };
            mv[i] = inside ? 0f : 1f;
        }
        return Tensor.of(mv, x.shape());
    }

    /** Every option, before any work starts. */
    private void check(OptionChecks checks) {
        run.check(checks);
        checkpoint.check(checks);
        images.check(checks);
        checks.atLeast("--steps", steps, 1).writableFile("--out", out);
    }
}
