package org.ddpm4j.diffusion;

import java.util.Map;
import java.util.random.RandomGenerator;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.nn.ForwardContext;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.NonFiniteException;
import org.ddpm4j.tensor.Tensor;

/**
 * A Gaussian diffusion model (Ho et al. 2020): the forward process of a {@link Schedule}, the reverse process a
 * {@link Denoiser} parameterises ({@link MeanType}, {@link VarianceType}), its training losses and its
 * variational bound, computed on the model's backend. Timesteps are 0-based: index t is the paper's step t + 1.
 *
 * <pre>{@code
 * var diffusion = GaussianDiffusion.builder().schedule(Schedules.linear(1000, 1e-4, 0.02)).build();
 * LossTerms l = diffusion.loss(model, x0, null, rng, ForwardContext.training(step));
 * model.backward(l.outputGradient());                      // the caller (the Trainer) runs backward
 * Bound b = diffusion.bound(model, testBatch, null, rng);  // bits/dim
 * }</pre>
 *
 * <p>Immutable, so it may be shared between threads.
 */
public final class GaussianDiffusion implements TrainingObjective {
    private final Schedule schedule;
    private final ForwardProcess q;
    private final MeanType meanType;
    private final VarianceType varianceType;
    private final LossType lossType;
    private final DataKind dataKind;
    private final double varianceInterpolation;
    private final double minSnrGamma;
    private final VariationalBound vlb;

    private GaussianDiffusion(Builder b) {
        this.schedule = b.schedule;
        this.q = new ForwardProcess(b.schedule);
        this.meanType = b.meanType;
        this.varianceType = b.varianceType;
        this.lossType = b.lossType;
        this.dataKind = b.dataKind;
        this.varianceInterpolation = b.varianceInterpolation;
        this.minSnrGamma = b.minSnrGamma;
        this.vlb = new VariationalBound(this);
    }

    /**
     * A builder with DDPM's defaults: linear β (1e-4 → 0.02, T = 1000), ε-prediction, fixed large variance, L_simple, 8-bit images.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** The β schedule (T steps, 0-based). */
    public Schedule schedule() {
        return schedule;
    }

    /** q(x_t | x₀) and its posterior for this schedule. */
    public ForwardProcess forwardProcess() {
        return q;
    }

    /** What the network predicts: ε, x₀, μ̃ or v. */
    public MeanType meanType() {
        return meanType;
    }

    /** The reverse-process variance: fixed (β or β̃) or learned. */
    public VarianceType varianceType() {
        return varianceType;
    }

    /** The training objective of {@link #loss}. */
    public LossType lossType() {
        return lossType;
    }

    /** v of {@link VarianceType#INTERPOLATED}: log σ² = v·log β + (1 − v)·log β̃. */
    public double varianceInterpolation() {
        return varianceInterpolation;
    }

    /** γ of the min-SNR loss weighting, or 0 when L_simple is unweighted. */
    public double minSnrGamma() {
        return minSnrGamma;
    }

    /** The data the bound is measured for: 8-bit images (bits/dim) or continuous (bits/example). */
    public DataKind dataKind() {
        return dataKind;
    }

    /** True when the network also outputs the variance (twice the data's channels: mean part, then v). */
    public boolean learnsVariance() {
        return varianceType == VarianceType.LEARNED_RANGE;
    }

    /**
     * log σ²_t of p_θ(x_{t−1}|x_t) for a fixed variance: log β_t (β̃_1 at t = 0, as DDPM's code), log β̃_t
     * (clipped at t = 0), or v·log β_t + (1 − v)·log β̃_t.
     *
     * @throws IllegalStateException when the variance is learned: it then depends on the network's output
     */
    public double modelLogVariance(int t) {
        return switch (varianceType) {
            case FIXED_SMALL -> schedule.posteriorLogVarianceClipped(t);
            case FIXED_LARGE -> t == 0 ? schedule.posteriorLogVarianceClipped(t) : Math.log(schedule.beta(t));
            case INTERPOLATED -> varianceInterpolation * Math.log(schedule.beta(t))
                    + (1 - varianceInterpolation) * schedule.posteriorLogVarianceClipped(t);
            case LEARNED_RANGE -> throw new IllegalStateException("the variance is learned: use reverse(...)");
        };
    }

    /** Buffers for {@link #reverse} of a batch whose samples have this shape ({@code [B, ...]}). */
    public ReverseDistribution newReverse(int... shape) {
        return new ReverseDistribution(shape);
    }

    /**
     * The same model on a shorter chain that visits only the kept timesteps ({@link Schedule#respaced}): index k
     * of the returned diffusion is step {@code kept[k]} of this one, where the network must be evaluated.
     */
    public GaussianDiffusion respaced(int[] kept) {
        Builder b = new Builder();
        b.schedule = schedule.respaced(kept);
        b.meanType = meanType;
        b.varianceType = varianceType;
        b.lossType = lossType;
        b.dataKind = dataKind;
        b.varianceInterpolation = varianceInterpolation;
        b.minSnrGamma = minSnrGamma;
        return new GaussianDiffusion(b);
    }

    /**
     * p_θ(x_{t−1}|x_t) from the network's output: x̂₀ from the output (Eq. 15 for ε), optionally clipped to
     * [−1, 1], then the mean μ̃(x_t, x̂₀) (Eq. 7) — for {@link MeanType#MEAN} the output is the mean and x̂₀ follows
     * from it — and the log-variance, fixed or interpolated from the output's v half.
     *
     * @param be     the backend holding the tensors (the model's)
     * @param output the network's output: the shape of x_t, or {@code [B, 2C, ...]} when the variance is learned
     */
    public void reverse(Backend be, Tensor output, Tensor xt, int[] t, boolean clipX0, ReverseDistribution p) {
        int factor = learnsVariance() ? 2 : 1;
        if (output.size() != factor * xt.size() || output.dim(0) != xt.dim(0)
                || (xt.rank() > 1 && output.dim(1) != factor * xt.dim(1))) {
            throw new IllegalArgumentException("model output " + output.shapeString() + " does not fit x_t "
                    + xt.shapeString() + (learnsVariance() ? " with learned variance (needs twice the channels)" : ""));
        }
        if (!p.fits(xt)) {
            throw new IllegalArgumentException("reverse: buffers " + p.mean().shapeString() + " do not fit x_t " + xt.shapeString());
        }
        Tensor meanPart = output;
        if (learnsVariance()) {
            splitHalves(be, output, p.meanOutput, p.varianceOutput);
            meanPart = p.meanOutput;
        }
        meanFromOutput(be, meanPart, xt, t, clipX0, p.mean(), p.predictedX0());
        if (learnsVariance()) {
            // Nichol & Dhariwal Eq. 15: log σ² = frac·log β + (1 − frac)·log β̃ with frac = (v + 1)/2, an affine
            // function of v per sample.
            float[] a = new float[t.length], c = new float[t.length];
            for (int b = 0; b < t.length; b++) {
                double max = Math.log(schedule.beta(t[b])), min = schedule.posteriorLogVarianceClipped(t[b]);
                a[b] = (float) ((max - min) / 2);
                c[b] = (float) ((max + min) / 2);
            }
            be.combinePerSample(p.varianceOutput, a, p.ones(), c, p.logVariance());
        } else {
            // A constant per sample, written on the host: the bound reads it there, and no op on the hot path
            // reads it at all (the sampler uses σ_t directly), so it never travels to a device.
            int per = ForwardProcess.perSample(xt, t, "reverse");
            float[] lv = new float[xt.size()];
            for (int b = 0; b < t.length; b++) {
                java.util.Arrays.fill(lv, b * per, (b + 1) * per, (float) modelLogVariance(t[b]));
            }
            p.logVariance().copyFrom(lv);
        }
    }

    private void meanFromOutput(Backend be, Tensor output, Tensor xt, int[] t, boolean clipX0, Tensor meanOut,
                                Tensor x0Out) {
        switch (meanType) {
            case EPSILON -> q.predictX0FromEps(be, xt, t, output, x0Out);
            case X0 -> be.scale(output, 1f, x0Out);
            case VELOCITY -> q.predictX0FromVelocity(be, xt, t, output, x0Out);
            case MEAN -> {
                // μ = c0·x₀ + ct·x_t  ⇒  x₀ = μ/c0 − (ct/c0)·x_t
                float[] byMean = new float[t.length], byXt = new float[t.length];
                for (int b = 0; b < t.length; b++) {
                    double c0 = schedule.posteriorMeanCoefX0(t[b]), ct = schedule.posteriorMeanCoefXt(t[b]);
                    byMean[b] = (float) (1 / c0);
                    byXt[b] = (float) (-ct / c0);
                }
                be.combinePerSample(output, byMean, xt, byXt, x0Out);
                if (!clipX0) {
                    be.scale(output, 1f, meanOut);
                    return;
                }
            }
        }
        if (clipX0) {
            be.clamp(x0Out, -1f, 1f, x0Out);
        }
        q.posteriorMean(be, x0Out, xt, t, meanOut);
    }

    @Override
    public int steps() {
        return schedule.steps();
    }

    /**
     * One batch's loss (Algorithm 1 when t is uniform): ε ~ N(0, I), x_t from Eq. 4, then L_simple (Eq. 14, the MSE
     * between the network's output and its target: ε, x₀ or μ̃), one term of the true bound per sample (bits per
     * dimension), or the hybrid of both; computed on the model's backend. With {@code weights}, sample b's term counts
     * {@code weights[b]} times in the mean and in the gradient: with {@code weights[b] = 1/(T·p(t_b))} the bound's
     * terms at timesteps drawn from p estimate the bound (Nichol &amp; Dhariwal 2021, Eq. 18).
     */
    @Override
    public LossTerms loss(Denoiser model, Tensor x0, int[] t, double[] weights, int[] labels, RandomGenerator rng,
                          ForwardContext ctx) {
        int batch = LossTerms.batchOf("loss", x0, t, weights);
        Backend be = model.backend();
        Tensor noise = x0.zerosLike(), xt = x0.zerosLike();
        ForwardProcess.gaussian(be, noise, rng);
        q.sample(be, x0, t, noise, xt);
        Tensor out = model.forward(xt, t, labels, ctx);
        ReverseDistribution p = newReverse(x0.shape());
        reverse(be, out, xt, t, false, p);
        Tensor gradMean = x0.zerosLike(), gradVariance = learnsVariance() ? x0.zerosLike() : null;
        double[] terms = new double[batch];
        if (lossType != LossType.VLB) {
            Tensor meanPart = learnsVariance() ? p.meanOutput : out;
            Tensor target = switch (meanType) {
                case EPSILON -> noise;
                case X0 -> x0;
                case MEAN -> {
                    Tensor mu = x0.zerosLike();
                    q.posteriorMean(be, x0, xt, t, mu);
                    yield mu;
                }
                case VELOCITY -> {
                    Tensor v = x0.zerosLike();
                    q.velocity(be, noise, x0, t, v);
                    yield v;
                }
            };
            be.meanSquaredErrorPerSample(meanPart, target, terms);
            be.mseLossBackward(meanPart, target, 1f, gradMean);
            double[] simpleWeights = minSnrGamma > 0 ? minSnrWeights(t) : null;
            if (simpleWeights != null) {
                for (int b = 0; b < batch; b++) {
                    terms[b] *= simpleWeights[b];
                }
            }
            if (weights != null || simpleWeights != null) {
                double[] w = new double[batch];
                for (int b = 0; b < batch; b++) {
                    w[b] = (weights == null ? 1 : weights[b]) * (simpleWeights == null ? 1 : simpleWeights[b]);
                }
                be.combinePerSample(gradMean, toFloats(w), gradMean, new float[batch], gradMean);
            }
        }
        if (lossType != LossType.SIMPLE) {
            // Hybrid: λ·L_vlb with L_vlb ≈ T·L_t for uniform t, λ = 0.001, and the mean held fixed in this term.
            boolean hybrid = lossType == LossType.HYBRID;
            double weight = hybrid ? schedule.steps() / 1000.0 : 1.0;
            double[] bound = new double[batch];
            vlb.termsAndGradients(be, p, x0, xt, t, weight, weights, !hybrid, gradMean, gradVariance, bound);
            for (int b = 0; b < batch; b++) {
                terms[b] += weight * bound[b];
            }
        }
        double loss = 0;
        for (int b = 0; b < batch; b++) {
            loss += (weights == null ? 1 : weights[b]) * terms[b];
        }
        Tensor grad = gradMean;
        if (learnsVariance()) {
            grad = out.zerosLike();
            joinHalves(be, gradMean, gradVariance, grad);
        }
        return new LossTerms(loss / batch, terms, grad);
    }

    /**
     * Min-SNR-γ weighting (Hang et al. 2023, Eq. 11 and §3.4): the x₀-space loss weight min(SNR_t, γ) with
     * SNR_t = ᾱ_t/(1 − ᾱ_t), expressed for the network's target: divided by SNR_t for ε (whose MSE is SNR_t times
     * x₀'s) and by SNR_t + 1 for v.
     */
    private double[] minSnrWeights(int[] t) {
        double[] w = new double[t.length];
        for (int b = 0; b < t.length; b++) {
            double snr = schedule.alphaBar(t[b]) / (1 - schedule.alphaBar(t[b])), clipped = Math.min(snr, minSnrGamma);
            w[b] = switch (meanType) {
                case EPSILON -> clipped / snr;
                case X0 -> clipped;
                case VELOCITY -> clipped / (snr + 1);
                case MEAN -> throw new IllegalStateException("min-SNR weighting is not defined for μ̃-prediction");
            };
        }
        return w;
    }

    @Override
    public boolean supportsImportanceSampling() {
        return lossType == LossType.VLB;
    }

    @Override
    public Map<String, String> checkpointMetadata() {
        return DiffusionMetadata.describe(this);
    }

    private static float[] toFloats(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }

    /**
     * The full variational bound of a batch (Eq. 5): every term t = 0..T−1 with fresh noise, plus the prior term.
     * One model forward per step, in inference mode and under the model's lock (see {@link Denoiser}); an interrupt
     * stops it within a step ({@link Cancellation}). Also records the distortion of x̂₀ at each t.
     *
     * @throws NonFiniteException at the first term that is NaN or infinite (a diverged model), naming its t
     */
    public Bound bound(Denoiser model, Tensor x0, int[] labels, RandomGenerator rng) {
        return vlb.of(model, x0, labels, rng);
    }

    /**
     * An unbiased estimate of each example's bound at a fraction of {@link #bound}'s cost: L_T and L₀ exactly, and of
     * the T − 1 KL terms one drawn per example from each of {@code timesteps} equal strata of 1..T−1, weighted by the
     * stratum's size (stratified sampling, so the estimate's variance is smaller than uniform draws'). That is
     * {@code timesteps + 1} model calls per batch instead of T. The reported standard error includes this draw.
     *
     * @throws NonFiniteException at the first term that is NaN or infinite, naming its t
     */
    public BoundEstimate boundEstimate(Denoiser model, Tensor x0, int[] labels, RandomGenerator rng, int timesteps) {
        return vlb.estimate(model, x0, labels, rng, timesteps);
    }

    /** Per sample, the first half of the output's elements (the first C channels) and the second half. */
    private static void splitHalves(Backend be, Tensor output, Tensor first, Tensor second) {
        int b = first.dim(0), per = first.size() / b;
        be.splitChannelsBackward(output.reshape(b, 2 * per), first.zero().reshape(b, per),
                second.zero().reshape(b, per));
    }

    /** The inverse of {@link #splitHalves}. */
    private static void joinHalves(Backend be, Tensor first, Tensor second, Tensor output) {
        int b = first.dim(0), per = first.size() / b;
        be.concatChannels(first.reshape(b, per), second.reshape(b, per), output.reshape(b, 2 * per));
    }

    /** Fluent configuration: DDPM's defaults are ε-prediction, fixed large variance and L_simple. */
    public static final class Builder {
        private Schedule schedule = Schedules.linear(1000, 1e-4, 0.02);
        private MeanType meanType = MeanType.EPSILON;
        private VarianceType varianceType = VarianceType.FIXED_LARGE;
        private LossType lossType = LossType.SIMPLE;
        private DataKind dataKind = DataKind.IMAGES_8BIT;
        private double varianceInterpolation = 0.3;
        private double minSnrGamma;

        /** The β schedule (default: DDPM's linear 1e-4 → 0.02 over 1000 steps). */
        public Builder schedule(Schedule s) {
            this.schedule = s;
            return this;
        }

        /** What the network predicts (default ε). */
        public Builder meanType(MeanType m) {
            this.meanType = m;
            return this;
        }

        /** The reverse-process variance (default β_t, fixed large); learned needs a model with twice the channels. */
        public Builder varianceType(VarianceType v) {
            this.varianceType = v;
            return this;
        }

        /** The training objective (default L_simple). */
        public Builder lossType(LossType l) {
            this.lossType = l;
            return this;
        }

        /** 8-bit images (discretised decoder, bits/dim; the default) or continuous data (Gaussian L₀, bits/example). */
        public Builder dataKind(DataKind k) {
            this.dataKind = k;
            return this;
        }

        /** v of {@link VarianceType#INTERPOLATED}, in [0, 1] (default Ho &amp; Salimans' 0.3). */
        public Builder varianceInterpolation(double v) {
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException("variance interpolation v must be in [0, 1], got " + v);
            }
            this.varianceInterpolation = v;
            return this;
        }

        /**
         * Weights L_simple's term at t by min(SNR_t, γ) in x₀ terms (Min-SNR-γ, Hang et al. 2023; they recommend
         * γ = 5), which stops the low-noise steps from dominating training. 0 (the default) leaves it unweighted.
         */
        public Builder minSnrGamma(double gamma) {
            if (!(gamma >= 0) || Double.isInfinite(gamma)) {
                throw new IllegalArgumentException("min-SNR γ must be a finite number >= 0 (0: off), got " + gamma);
            }
            this.minSnrGamma = gamma;
            return this;
        }

        /**
         * @throws IllegalArgumentException for a learned variance with L_simple, which gives it no gradient, or
         *                                  min-SNR weighting without an L_simple term or for μ̃-prediction
         */
        public GaussianDiffusion build() {
            if (varianceType == VarianceType.LEARNED_RANGE && lossType == LossType.SIMPLE) {
                throw new IllegalArgumentException("a learned variance gets no gradient from L_simple: use the VLB "
                        + "or HYBRID loss");
            }
            if (minSnrGamma > 0 && (lossType == LossType.VLB || meanType == MeanType.MEAN)) {
                throw new IllegalArgumentException("min-SNR-γ weights L_simple's MSE to ε, x₀ or v; it does not apply to "
                        + (lossType == LossType.VLB ? "the VLB loss" : "μ̃-prediction"));
            }
            return new GaussianDiffusion(this);
        }
    }
}
