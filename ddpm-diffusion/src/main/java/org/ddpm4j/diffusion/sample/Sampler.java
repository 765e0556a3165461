package org.ddpm4j.diffusion.sample;

import java.util.random.RandomGenerator;
import org.ddpm4j.diffusion.ForwardProcess;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.ReverseDistribution;
import org.ddpm4j.diffusion.Schedule;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.nn.ForwardContext;
import org.ddpm4j.tensor.Tensor;

/**
 * Draws samples from a trained model: ancestral sampling (DDPM Algorithm 2) over all T steps or over a respaced
 * subset of them, or DDIM (Song et al. 2021) with a chosen η. One model call per step for the whole batch; the
 * buffers are allocated once, so memory stays flat over 1000 steps.
 *
 * <p>By default x̂₀ is clipped to [−1, 1] before the posterior mean is formed, as in the DDPM authors' code: plain
 * Algorithm 2 (Eq. 11) drifts to blank images on small models (measured in {@code ../shared/DESIGN.md}). Use
 * {@link #clipDenoised(boolean) clipDenoised(false)} for unbounded data such as the 2-D toys.
 */
public final class Sampler {
    /** Receives the progress of a sampling run (DDPM Fig. 6): x_t and the current x̂₀, every {@code every} steps. */
    @FunctionalInterface
    public interface Progress {
        void step(int t, Tensor xt, Tensor predictedX0);
    }

    private final GaussianDiffusion diffusion;
    private boolean clipDenoised = true;
    private int[] timesteps;
    private Double eta;
    private Progress progress;
    private int progressEvery = 1;

    public Sampler(GaussianDiffusion diffusion) {
        this.diffusion = diffusion;
    }

    public GaussianDiffusion diffusion() {
        return diffusion;
    }

    /** Clip x̂₀ to [−1, 1] at every step (default true: image data). */
    public Sampler clipDenoised(boolean clip) {
        this.clipDenoised = clip;
        return this;
    }

    /** Sample on {@code count} evenly spaced timesteps of the training schedule instead of all T. */
    public Sampler respaced(int count) {
        this.timesteps = Respacing.evenly(diffusion.schedule().steps(), count);
        return this;
    }

    /** Use DDIM updates with this η (0: deterministic; 1: ancestral-like variance). */
    public Sampler ddim(double eta) {
        if (eta < 0) {
            throw new IllegalArgumentException("DDIM η must be >= 0 but was " + eta);
        }
        this.eta = eta;
        return this;
    }

    public Sampler progress(int every, Progress listener) {
        this.progressEvery = Math.max(1, every);
        this.progress = listener;
        return this;
    }

    /** Samples of the given shape {@code [B, ...]} from an unconditional model. */
    public Tensor sample(Denoiser model, int[] shape, RandomGenerator rng) {
        return sample(model, shape, null, rng);
    }

    /** Samples with class labels (or null). */
    public Tensor sample(Denoiser model, int[] shape, int[] labels, RandomGenerator rng) {
        Tensor x = Tensor.zeros(shape);
        ForwardProcess.gaussian(x, rng);
        return denoise(model, x, diffusion.schedule().steps() - 1, labels, rng);
    }

    /**
     * Runs the reverse process from x at training step {@code fromT} down to x₀, in place (x is overwritten and
     * returned): sampling starts at T − 1 from noise; interpolation (§4.4) starts lower from encoded images.
     */
    public Tensor denoise(Denoiser model, Tensor x, int fromT, int[] labels, RandomGenerator rng) {
        int b = x.dim(0);
        int[] steps = stepsFrom(fromT);
        // Step k of this chain is training step steps[k]; on all T steps the chain is the diffusion itself.
        GaussianDiffusion chain = steps.length == diffusion.schedule().steps() ? diffusion : diffusion.respaced(steps);
        Schedule s = chain.schedule();
        ReverseDistribution p = chain.newReverse(x.shape());
        Tensor eps = x.zerosLike(), z = x.zerosLike();
        int[] modelT = new int[b], chainT = new int[b];
        for (int k = steps.length - 1; k >= 0; k--) {
            java.util.Arrays.fill(modelT, steps[k]);
            java.util.Arrays.fill(chainT, k);
            Tensor out = model.forward(x, modelT, labels, ForwardContext.inference());
            chain.reverse(out, x, chainT, clipDenoised, p);
            if (k > 0) {
                ForwardProcess.gaussian(z, rng);
            }
            if (eta != null) {
                // DDIM (Song et al. Eq. 12): x_{t−1} = √ᾱ_{t−1}·x̂₀ + √(1 − ᾱ_{t−1} − σ²)·ε̂ + σ·z
                chain.forwardProcess().predictEpsFromX0(x, chainT, p.predictedX0(), eps);
                double abar = s.alphaBar(k), abarPrev = s.alphaBarPrev(k);
                double sigma = eta * Math.sqrt((1 - abarPrev) / (1 - abar)) * Math.sqrt(1 - abar / abarPrev);
                double cx0 = Math.sqrt(abarPrev), ceps = Math.sqrt(Math.max(0, 1 - abarPrev - sigma * sigma));
                for (int i = 0; i < x.size(); i++) {
                    x.data()[i] = (float) (cx0 * p.predictedX0().data()[i] + ceps * eps.data()[i]
                            + (k > 0 ? sigma * z.data()[i] : 0));
                }
            } else {
                // Algorithm 2: x_{t−1} = μ_θ + σ_t·z, no noise at the last step.
                for (int i = 0; i < x.size(); i++) {
                    float noise = k > 0 ? (float) Math.exp(0.5 * p.logVariance().data()[i]) * z.data()[i] : 0f;
                    x.data()[i] = p.mean().data()[i] + noise;
                }
            }
            if (progress != null && (k % progressEvery == 0)) {
                progress.step(steps[k], x, p.predictedX0());
            }
        }
        return x;
    }

    private int[] stepsFrom(int fromT) {
        int[] all = timesteps != null ? timesteps : Respacing.evenly(diffusion.schedule().steps(), diffusion.schedule().steps());
        return java.util.Arrays.stream(all).filter(s -> s <= fromT).toArray();
    }
}
