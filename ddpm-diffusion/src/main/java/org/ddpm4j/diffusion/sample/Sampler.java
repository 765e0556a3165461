package org.ddpm4j.diffusion.sample;

import java.util.random.RandomGenerator;
import org.ddpm4j.diffusion.Cancellation;
import org.ddpm4j.diffusion.ForwardProcess;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.ReverseDistribution;
import org.ddpm4j.diffusion.Schedule;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.nn.ForwardContext;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/**
 * Draws samples from a trained model over all T steps or a respaced subset of them: ancestral sampling (DDPM
 * Algorithm 2, the default), DDIM (Song et al. 2021) with a chosen η, or one of two deterministic ODE solvers that
 * need far fewer steps: DPM-Solver++(2M) (Lu et al. 2022; one network call per step) and Heun's second-order method
 * (Karras et al. 2022; two calls per step but the last). One model call covers the whole batch; the buffers are
 * allocated once, so memory stays flat over 1000 steps.
 *
 * <p>By default x̂₀ is clipped to [−1, 1] before the posterior mean is formed, as in the DDPM authors' code: plain
 * Algorithm 2 (Eq. 11) drifts to blank images on small models. Use
 * {@link #clipDenoised(boolean) clipDenoised(false)} for unbounded data such as the 2-D toys.
 *
 * <p>Threads: once configured, a sampler may be shared, and several samplers may use one model at the same time
 * (each step's network call holds the model's lock). An interrupt stops a run within one step
 * ({@link Cancellation}).
 */
public final class Sampler {
    /** Receives the progress of a sampling run (DDPM Fig. 6): x_t and the current x̂₀, every {@code every} steps. */
    @FunctionalInterface
    public interface Progress {
        void step(int t, Tensor xt, Tensor predictedX0);
    }

    /** How a step moves x: ancestral and DDIM draw noise (DDIM only for η > 0); the ODE solvers do not. */
    private enum Method {
        ANCESTRAL, DDIM, DPM_SOLVER_2M, HEUN
    }

    private final GaussianDiffusion diffusion;
    private boolean clipDenoised = true;
    private int[] timesteps;
    private Method method = Method.ANCESTRAL;
    private double eta;
    private Progress progress;
    private int progressEvery = 1;
    private Double guidance;

    /** Ancestral sampling over all T steps with x̂₀ clipped, until configured otherwise. */
    public Sampler(GaussianDiffusion diffusion) {
        this.diffusion = diffusion;
    }

    /** The diffusion whose reverse process this sampler runs. */
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

    /**
     * Sample on {@code count} timesteps spread evenly in log-SNR rather than in t ({@link Respacing#uniformLogSnr}):
     * more of them near the data, where λ_t changes fastest. The spacing DPM-Solver++ is analysed on.
     */
    public Sampler respacedByLogSnr(int count) {
        this.timesteps = Respacing.uniformLogSnr(diffusion.schedule(), count);
        return this;
    }

    /** Use DDIM updates with this η (0: deterministic; 1: ancestral-like variance). */
    public Sampler ddim(double eta) {
        if (!(eta >= 0)) {
            throw new IllegalArgumentException("DDIM η must be >= 0 but was " + eta);
        }
        this.method = Method.DDIM;
        this.eta = eta;
        return this;
    }

    /**
     * Use DPM-Solver++(2M) (Lu et al. 2022, Algorithm 2): deterministic, second order, one network call per step;
     * 10–25 respaced steps give samples close to those of hundreds of ancestral steps. Works with guidance and
     * clipping; inpainting needs the ancestral or DDIM steps.
     */
    public Sampler dpmSolver() {
        this.method = Method.DPM_SOLVER_2M;
        return this;
    }

    /**
     * Use Heun's deterministic second-order method (Karras et al. 2022, Algorithm 1 without churn) on the
     * (respaced) chain's noise levels: 2n − 1 network calls for n steps.
     */
    public Sampler heun() {
        this.method = Method.HEUN;
        return this;
    }

    /** Ancestral sampling again (DDPM Algorithm 2): undoes {@link #ddim}, {@link #dpmSolver} and {@link #heun}. */
    public Sampler ancestral() {
        this.method = Method.ANCESTRAL;
        return this;
    }

    /** Network calls of one run from x_T as configured: one per step, Heun's 2n − 1 (a guided call counts once). */
    public int networkEvaluations() {
        int steps = timesteps != null ? timesteps.length : diffusion.schedule().steps();
        return method == Method.HEUN ? HeunSolver.evaluations(steps) : steps;
    }

    /** The sampling method as a short name: ancestral, ddim(η=…), dpm-solver++(2m) or heun. */
    public String methodName() {
        return switch (method) {
            case ANCESTRAL -> "ancestral";
            case DDIM -> "ddim(η=" + eta + ")";
            case DPM_SOLVER_2M -> "dpm-solver++(2m)";
            case HEUN -> "heun";
        };
    }

    /**
     * Calls {@code listener} with x_t and x̂₀ every {@code every} steps and at the last (DDPM Fig. 6); the
     * tensors are the sampler's buffers, valid during the call.
     */
    public Sampler progress(int every, Progress listener) {
        this.progressEvery = Math.max(1, every);
        this.progress = listener;
        return this;
    }

    /**
     * Classifier-free guidance with weight w ≥ 0 (Ho &amp; Salimans Eq. 6): ε̃ = (1 + w)·ε(z, c) − w·ε(z), for
     * calls with class labels on a conditional model. Each step makes one model call on a doubled batch (the
     * labelled half and the "no class" half); a learned variance comes from the conditional half. Without this
     * setting, labelled calls are plain conditional sampling, one call on the batch itself (the same as w = 0).
     */
    public Sampler guidance(double w) {
        if (!(w >= 0)) {
            throw new IllegalArgumentException("guidance weight must be >= 0 but was " + w);
        }
        this.guidance = w;
        return this;
    }

    /** Samples of the given shape {@code [B, ...]} from an unconditional model. */
    public Tensor sample(Denoiser model, int[] shape, RandomGenerator rng) {
        return sample(model, shape, null, rng);
    }

    /** Samples with class labels (one per sample, or null), guided if {@link #guidance(double)} was set. */
    public Tensor sample(Denoiser model, int[] shape, int[] labels, RandomGenerator rng) {
        Tensor x = Tensor.zeros(shape);
        ForwardProcess.gaussian(model.backend(), x, rng);
        return denoise(model, x, diffusion.schedule().steps() - 1, labels, rng);
    }

    /**
     * Inpainting by multiplying distributions (Sohl-Dickstein et al. §2.5, their Fig. 5): the pixels where
     * {@code known} is non-zero are held at a draw of q(x_t | x₀ = image) at every step and equal the image at the
     * end; the others are sampled from the model given them.
     *
     * @param image [B, ...] images whose known pixels are kept
     * @param known the image's shape, 1 where a pixel is known, 0 where it is to be sampled
     */
    public Tensor inpaint(Denoiser model, Tensor image, Tensor known, int[] labels, RandomGenerator rng) {
        if (!known.hasShape(image.shape())) {
            throw new IllegalArgumentException("inpaint: mask " + known.shapeString() + " must have the image's shape "
                    + image.shapeString());
        }
        Backend be = model.backend();
        Tensor x = image.zerosLike(), noise = image.zerosLike(), noisy = image.zerosLike();
        if (method == Method.DPM_SOLVER_2M || method == Method.HEUN) {
            throw new IllegalStateException("inpainting holds the known pixels at a fresh draw of q(x_t | x₀) at every "
                    + "step, which needs ancestral or DDIM steps, not " + methodName());
        }
        Tensor keep = indicator(known, true), redraw = indicator(known, false);
        int[] t = new int[image.dim(0)];
        ForwardProcess.gaussian(be, x, rng);
        Constraint keepKnown = (trainingStep, xt) -> {
            java.util.Arrays.fill(t, Math.max(trainingStep, 0));
            ForwardProcess.gaussian(be, noise, rng);
            diffusion.forwardProcess().sample(be, image, t, noise, noisy);
            // xt = keep⊙from + redraw⊙xt with 0/1 masks: every product and sum is exact, so the known pixels end
            // equal to the image.
            be.mul(redraw, xt, xt);
            be.addProduct(keep, trainingStep < 0 ? image : noisy, xt);
        };
        int last = diffusion.schedule().steps() - 1;
        keepKnown.apply(last, x);
        return run(model, x, last, labels, rng, keepKnown);
    }

    /**
     * Denoises images observed with Gaussian noise of known standard deviation σ (on the [−1, 1] scale;
     * Sohl-Dickstein et al. Fig. 3): y = x₀ + σ·n is, scaled by √ᾱ_t, a draw of q(x_t | x₀) at the step where
     * (1 − ᾱ_t)/ᾱ_t = σ², so the reverse process from there samples the model's posterior p(x₀ | y). Between two
     * steps of the schedule, the next one is taken and the missing noise added.
     *
     * @throws IllegalArgumentException if σ is not positive or beyond the schedule's last step
     */
    public Tensor denoiseObservation(Denoiser model, Tensor observed, double sigma, int[] labels, RandomGenerator rng) {
        Schedule s = diffusion.schedule();
        int t = 0;
        while (t < s.steps() && (1 - s.alphaBar(t)) / s.alphaBar(t) < sigma * sigma) {
            t++;
        }
        if (!(sigma > 0) || t == s.steps()) {
            throw new IllegalArgumentException("observation noise σ = " + sigma + " must be positive and at most the "
                    + "schedule's last noise level " + Math.sqrt((1 - s.alphaBar(s.steps() - 1)) / s.alphaBar(s.steps() - 1)));
        }
        // √ᾱ·y has variance ᾱσ² around √ᾱ·x₀; x_t needs 1 − ᾱ: add the difference (≥ 0 by the choice of t).
        double scale = s.sqrtAlphaBar(t), extra = Math.sqrt(Math.max(0, (1 - s.alphaBar(t)) - s.alphaBar(t) * sigma * sigma));
        Tensor x = observed.zerosLike();
        ForwardProcess.gaussian(model.backend(), x, rng);
        model.backend().combinePerSample(observed, perSample(x, scale), x, perSample(x, extra), x);
        return denoise(model, x, t, labels, rng);
    }

    /**
     * Runs the reverse process from x at training step {@code fromT} down to x₀, in place (x is overwritten and
     * returned): sampling starts at T − 1 from noise; interpolation (§4.4) starts lower from encoded images.
     */
    public Tensor denoise(Denoiser model, Tensor x, int fromT, int[] labels, RandomGenerator rng) {
        return run(model, x, fromT, labels, rng, null);
    }

    /** Applied to x after each step, at the training step x has reached (−1 after the last). */
    @FunctionalInterface
    private interface Constraint {
        void apply(int trainingStep, Tensor x);
    }

    private Tensor run(Denoiser model, Tensor x, int fromT, int[] labels, RandomGenerator rng, Constraint constraint) {
        int b = x.dim(0);
        Backend be = model.backend();
        GuidedCall guided = guidance != null && labels != null ? new GuidedCall(model, x, labels, guidance) : null;
        int[] steps = stepsFrom(fromT);
        // Step k of this chain is training step steps[k]; on all T steps the chain is the diffusion itself.
        GaussianDiffusion chain = steps.length == diffusion.schedule().steps() ? diffusion : diffusion.respaced(steps);
        Schedule s = chain.schedule();
        ReverseDistribution p = chain.newReverse(x.shape());
        int[] modelT = new int[b], chainT = new int[b];
        // The model's output lives in its own buffers until its next forward: read it under the model's lock, so
        // samplers on other threads can share the model (see Denoiser).
        DataPrediction network = (xt, k) -> {
            Cancellation.throwIfInterrupted("sampling at step " + steps[k]);
            java.util.Arrays.fill(modelT, steps[k]);
            java.util.Arrays.fill(chainT, k);
            synchronized (model) {
                Tensor out = guided != null ? guided.forward(xt, steps[k])
                        : model.forward(xt, modelT, labels, ForwardContext.inference());
                chain.reverse(be, out, xt, chainT, clipDenoised, p);
            }
            return p.predictedX0();
        };
        if (method == Method.DPM_SOLVER_2M || method == Method.HEUN) {
            return solve(be, chain.schedule(), steps, x, network);
        }
        Tensor eps = x.zerosLike(), z = x.zerosLike();
        for (int k = steps.length - 1; k >= 0; k--) {
            network.predictX0(x, k);
            if (k > 0) {
                ForwardProcess.gaussian(be, z, rng);
            }
            if (method == Method.DDIM) {
                // DDIM (Song et al. Eq. 12): x_{t−1} = √ᾱ_{t−1}·x̂₀ + √(1 − ᾱ_{t−1} − σ²)·ε̂ + σ·z
                chain.forwardProcess().predictEpsFromX0(be, x, chainT, p.predictedX0(), eps);
                double abar = s.alphaBar(k), abarPrev = s.alphaBarPrev(k);
                double sigma = eta * Math.sqrt((1 - abarPrev) / (1 - abar)) * Math.sqrt(1 - abar / abarPrev);
                double cx0 = Math.sqrt(abarPrev), ceps = Math.sqrt(Math.max(0, 1 - abarPrev - sigma * sigma));
                be.combinePerSample(p.predictedX0(), perSample(x, cx0), eps, perSample(x, ceps), x);
                if (k > 0) {
                    be.combinePerSample(x, perSample(x, 1), z, perSample(x, sigma), x);
                }
            } else if (!chain.learnsVariance()) {
                // Algorithm 2: x_{t−1} = μ_θ + σ_t·z, no noise at the last step.
                double sigma = k > 0 ? Math.exp(0.5 * chain.modelLogVariance(k)) : 0;
                be.combinePerSample(p.mean(), perSample(x, 1), z, perSample(x, sigma), x);
            } else {
                // The same with σ per element, from the network's variance output.
                float[] xv = new float[x.size()], mean = p.mean().toArray(), logVar = p.logVariance().toArray();
                float[] zv = z.toArray();
                for (int i = 0; i < xv.length; i++) {
                    float noise = k > 0 ? (float) Math.exp(0.5 * logVar[i]) * zv[i] : 0f;
                    xv[i] = mean[i] + noise;
                }
                x.copyFrom(xv);
            }
            if (constraint != null) {
                constraint.apply(k > 0 ? steps[k - 1] : -1, x);
            }
            if (progress != null && (k % progressEvery == 0)) {
                progress.step(steps[k], x, p.predictedX0());
            }
        }
        return x;
    }

    /** The deterministic solvers, reporting progress as the other methods do. */
    private Tensor solve(Backend be, Schedule chain, int[] steps, Tensor x, DataPrediction network) {
        StepListener onStep = (k, xNow, x0) -> {
            if (progress != null && k % progressEvery == 0) {
                progress.step(steps[k], xNow, x0);
            }
        };
        return method == Method.HEUN ? HeunSolver.solve(be, chain, steps.length, x, network, onStep)
                : DpmSolverPlusPlus.solve(be, chain, steps.length, x, network, onStep);
    }

    /** 1 where {@code mask} is non-zero (if {@code nonZero}) or zero (if not), else 0. */
    private static Tensor indicator(Tensor mask, boolean nonZero) {
        return mask.copy().update(m -> {
            for (int i = 0; i < m.length; i++) {
                m[i] = (m[i] != 0) == nonZero ? 1f : 0f;
            }
        });
    }

    /** The same coefficient for every sample of x (the solvers' per-sample combinations use it too). */
    static float[] perSample(Tensor x, double value) {
        float[] c = new float[x.dim(0)];
        java.util.Arrays.fill(c, (float) value);
        return c;
    }

    private int[] stepsFrom(int fromT) {
        int[] all = timesteps != null ? timesteps : Respacing.evenly(diffusion.schedule().steps(), diffusion.schedule().steps());
        return java.util.Arrays.stream(all).filter(s -> s <= fromT).toArray();
    }
}
