package org.ddpm4j.diffusion.sample;

import java.util.random.RandomGenerator;
import org.ddpm4j.diffusion.ForwardProcess;
import org.ddpm4j.diffusion.GaussianDiffusion;
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
        Schedule base = diffusion.schedule();
        Tensor mean = x.zerosLike(), x0 = x.zerosLike(), eps = x.zerosLike(), z = x.zerosLike();
        int[] t = new int[b];
        for (int k = steps.length - 1; k >= 0; k--) {
            int step = steps[k];
            java.util.Arrays.fill(t, step);
            Tensor out = model.forward(x, t, labels, ForwardContext.inference());
            diffusion.meanFromOutput(out, x, t, clipDenoised, mean, x0);
            // The respaced (or full) schedule's step from `step` to the previous kept step.
            double abar = base.alphaBar(step), abarPrev = k > 0 ? base.alphaBar(steps[k - 1]) : 1.0;
            if (eta != null) {
                diffusion.forwardProcess().predictEpsFromX0(x, t, x0, eps);
                double sigma = eta * Math.sqrt((1 - abarPrev) / (1 - abar)) * Math.sqrt(1 - abar / abarPrev);
                double cx0 = Math.sqrt(abarPrev), ceps = Math.sqrt(Math.max(0, 1 - abarPrev - sigma * sigma));
                if (k > 0) {
                    ForwardProcess.gaussian(z, rng);
                }
                for (int i = 0; i < x.size(); i++) {
                    x.data()[i] = (float) (cx0 * x0.data()[i] + ceps * eps.data()[i] + (k > 0 ? sigma * z.data()[i] : 0));
                }
            } else if (steps.length == base.steps()) {
                ancestralStep(x, mean, diffusion.modelLogVariance(step), k > 0, z, rng);
            } else {
                // Respaced ancestral step: β' = 1 − ᾱ_t/ᾱ_prev; mean from the posterior of the respaced chain.
                double betaR = 1 - abar / abarPrev;
                double c0 = betaR * Math.sqrt(abarPrev) / (1 - abar), ct = (1 - abarPrev) * Math.sqrt(1 - betaR) / (1 - abar);
                double var = diffusion.varianceType() == org.ddpm4j.diffusion.VarianceType.FIXED_LARGE
                        ? betaR : betaR * (1 - abarPrev) / (1 - abar);
                for (int i = 0; i < x.size(); i++) {
                    mean.data()[i] = (float) (c0 * x0.data()[i] + ct * x.data()[i]);
                }
                ancestralStep(x, mean, Math.log(Math.max(var, 1e-20)), k > 0, z, rng);
            }
            if (progress != null && (k % progressEvery == 0)) {
                progress.step(step, x, x0);
            }
        }
        return x;
    }

    /** x ← μ + σ·z (no noise at the last step). */
    private static void ancestralStep(Tensor x, Tensor mean, double logVariance, boolean addNoise, Tensor z,
                                      RandomGenerator rng) {
        if (!addNoise) {
            x.copyFrom(mean);
            return;
        }
        ForwardProcess.gaussian(z, rng);
        float sigma = (float) Math.exp(0.5 * logVariance);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = mean.data()[i] + sigma * z.data()[i];
        }
    }

    private int[] stepsFrom(int fromT) {
        int[] all = timesteps != null ? timesteps : Respacing.evenly(diffusion.schedule().steps(), diffusion.schedule().steps());
        return java.util.Arrays.stream(all).filter(s -> s <= fromT).toArray();
    }
}
