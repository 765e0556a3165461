package org.ddpm4j.bench.unet;

import java.util.SplittableRandom;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.Schedules;
import org.ddpm4j.diffusion.sample.Sampler;
import org.ddpm4j.nn.UNet;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/**
 * A complete sampling run of one {@link SampleCase}: the library's own {@link Sampler} on DDPM's linear schedule (β
 * from 1e-4 to 0.02 at T = 1000, scaled by 1000/T for other T as in Nichol &amp; Dhariwal's code), so the time
 * includes everything a user's call does, not only the network.
 */
public final class SampleWorkload {
    private static final int WARMUP_STEPS = 10;

    private final SampleCase sampleCase;
    private final UNet model;
    private final Sampler sampler;
    private final SplittableRandom rng = new SplittableRandom(2);

    public SampleWorkload(Backend be, SampleCase sampleCase) {
        this.sampleCase = sampleCase;
        this.model = new UNet(sampleCase.config(), be, new SplittableRandom(1));
        this.sampler = new Sampler(diffusion(sampleCase.steps(), be));
    }

    /** DDPM's linear schedule stretched to a T-step chain; the PyTorch peer's sampling case uses the same. */
    private static GaussianDiffusion diffusion(int steps, Backend be) {
        double scale = 1000.0 / steps;
        return GaussianDiffusion.builder()
                .schedule(Schedules.linear(steps, 1e-4 * scale, Math.min(0.02 * scale, 0.999))).build();
    }

    /** Compiles the path on a short respaced chain (about 1% of 1000 steps), for single-shot timing. */
    public void warmUp() {
        new Sampler(sampler.diffusion()).respaced(Math.min(WARMUP_STEPS, sampleCase.steps()))
                .sample(model, shape(), new SplittableRandom(3));
    }

    public Tensor run() {
        return sampler.sample(model, shape(), rng);
    }

    private int[] shape() {
        return new int[] {sampleCase.batch(), 1, 32, 32};
    }
}
