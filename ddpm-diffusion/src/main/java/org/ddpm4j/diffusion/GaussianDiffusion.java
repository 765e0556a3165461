package org.ddpm4j.diffusion;

import java.util.random.RandomGenerator;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.nn.ForwardContext;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Backends;
import org.ddpm4j.tensor.Tensor;

/**
 * A Gaussian diffusion model (Ho et al. 2020): the forward process of a {@link Schedule}, the reverse process a
 * {@link Denoiser} parameterises ({@link MeanType}, {@link VarianceType}), its training losses and its
 * variational bound. Timesteps are 0-based: index t is the paper's step t + 1.
 *
 * <pre>{@code
 * var diffusion = GaussianDiffusion.builder().schedule(Schedules.linear(1000, 1e-4, 0.02)).build();
 * double loss = diffusion.trainingLoss(model, x0, null, rng, ForwardContext.training(step)); // adds gradients
 * Bound b = diffusion.bound(model, testBatch, null, rng);                                    // bits/dim
 * }</pre>
 */
public final class GaussianDiffusion {
    private final Schedule schedule;
    private final ForwardProcess q;
    private final MeanType meanType;
    private final VarianceType varianceType;
    private final LossType lossType;
    private final DataKind dataKind;
    private final Backend be;

    private GaussianDiffusion(Builder b) {
        this.schedule = b.schedule;
        this.q = new ForwardProcess(b.schedule);
        this.meanType = b.meanType;
        this.varianceType = b.varianceType;
        this.lossType = b.lossType;
        this.dataKind = b.dataKind;
        this.be = b.backend != null ? b.backend : Backends.getDefault();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Schedule schedule() {
        return schedule;
    }

    public ForwardProcess forwardProcess() {
        return q;
    }

    public MeanType meanType() {
        return meanType;
    }

    public VarianceType varianceType() {
        return varianceType;
    }

    public LossType lossType() {
        return lossType;
    }

    public Backend backend() {
        return be;
    }

    public DataKind dataKind() {
        return dataKind;
    }

    /** log σ²_t of p_θ(x_{t−1}|x_t): log β_t (β̃_1 at t = 0, as DDPM's code) or log β̃_t (clipped at t = 0). */
    public double modelLogVariance(int t) {
        if (varianceType == VarianceType.FIXED_SMALL || t == 0) {
            return schedule.posteriorLogVarianceClipped(t);
        }
        return Math.log(schedule.beta(t));
    }

    /**
     * The reverse-process mean from the network's output: x̂₀ from the output (Eq. 15 for ε), optionally clipped to
     * [−1, 1], then μ̃(x_t, x̂₀) (Eq. 7); for {@link MeanType#MEAN} the output is the mean and x̂₀ follows from it.
     */
    public void meanFromOutput(Tensor output, Tensor xt, int[] t, boolean clipX0, Tensor meanOut, Tensor x0Out) {
        switch (meanType) {
            case EPSILON -> q.predictX0FromEps(xt, t, output, x0Out);
            case X0 -> x0Out.copyFrom(output);
            case MEAN -> {
                // μ = c0·x₀ + ct·x_t  ⇒  x₀ = (μ − ct·x_t)/c0
                int per = ForwardProcess.perSample(xt, t, "meanFromOutput");
                for (int b = 0; b < t.length; b++) {
                    double c0 = schedule.posteriorMeanCoefX0(t[b]), ct = schedule.posteriorMeanCoefXt(t[b]);
                    for (int i = b * per; i < (b + 1) * per; i++) {
                        x0Out.data()[i] = (float) ((output.data()[i] - ct * xt.data()[i]) / c0);
                    }
                }
                if (!clipX0) {
                    meanOut.copyFrom(output);
                    return;
                }
            }
        }
        if (clipX0) {
            float[] d = x0Out.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = Math.max(-1f, Math.min(1f, d[i]));
            }
        }
        q.posteriorMean(x0Out, xt, t, meanOut);
    }

    /**
     * One training step's loss on a batch (Algorithm 1): t uniform, ε ~ N(0, I), x_t from Eq. 4, then L_simple
     * (Eq. 14, the MSE between the network's output and its target: ε, x₀ or μ̃) or one term of the true bound per
     * sample (in bits per dimension). Adds the loss's gradients to the model's parameters and returns the loss.
     *
     * @param labels class labels or null
     */
    public double trainingLoss(Denoiser model, Tensor x0, int[] labels, RandomGenerator rng, ForwardContext ctx) {
        int b = x0.dim(0);
        int[] t = new int[b];
        for (int i = 0; i < b; i++) {
            t[i] = rng.nextInt(schedule.steps());
        }
        return trainingLoss(model, x0, t, labels, rng, ctx);
    }

    /** {@link #trainingLoss(Denoiser, Tensor, int[], RandomGenerator, ForwardContext)} at given timesteps. */
    public double trainingLoss(Denoiser model, Tensor x0, int[] t, int[] labels, RandomGenerator rng, ForwardContext ctx) {
        Tensor noise = x0.zerosLike(), xt = x0.zerosLike();
        ForwardProcess.gaussian(noise, rng);
        q.sample(x0, t, noise, xt);
        Tensor out = model.forward(xt, t, labels, ctx);
        Tensor grad = out.zerosLike();
        double loss;
        if (lossType == LossType.SIMPLE) {
            Tensor target = switch (meanType) {
                case EPSILON -> noise;
                case X0 -> x0;
                case MEAN -> {
                    Tensor mu = x0.zerosLike();
                    q.posteriorMean(x0, xt, t, mu);
                    yield mu;
                }
            };
            loss = be.mseLoss(out, target);
            be.mseLossBackward(out, target, 1f, grad);
        } else {
            loss = vlbLossAndGradient(out, x0, xt, t, grad);
        }
        model.backward(grad);
        return loss;
    }

    /**
     * The bound's term at t for each sample, averaged (bits/dim), with its gradient with respect to the network's
     * output (the variance is fixed, so only the mean moves): KL terms give (μ_θ − μ̃)/σ², the decoder the derivative
     * of its negative log-likelihood, then the chain rule through μ_θ(output).
     */
    double vlbLossAndGradient(Tensor out, Tensor x0, Tensor xt, int[] t, Tensor grad) {
        DataKind kind = dataKind;
        Tensor mean = out.zerosLike(), x0hat = out.zerosLike(), trueMean = out.zerosLike();
        meanFromOutput(out, xt, t, false, mean, x0hat);
        q.posteriorMean(x0, xt, t, trueMean);
        int per = out.size() / t.length, n = out.size();
        double total = 0;
        double[] nll = new double[2];
        for (int b = 0; b < t.length; b++) {
            double lv = modelLogVariance(t[b]), invVar = Math.exp(-lv);
            double dMeanDOut = switch (meanType) {
                case EPSILON -> -schedule.posteriorMeanCoefX0(t[b]) * schedule.sqrtRecipAlphaBarMinusOne(t[b]);
                case X0 -> schedule.posteriorMeanCoefX0(t[b]);
                case MEAN -> 1.0;
            };
            for (int i = b * per; i < (b + 1) * per; i++) {
                double m = mean.data()[i], term, dTermDMean;
                if (t[b] == 0) {
                    if (kind == DataKind.IMAGES_8BIT) {
                        GaussianMath.discretizedNll(x0.data()[i], m, lv, nll);
                        term = nll[0];
                        dTermDMean = nll[1];
                    } else {
                        term = GaussianMath.gaussianNll(x0.data()[i], m, lv);
                        dTermDMean = (m - x0.data()[i]) * invVar;
                    }
                } else {
                    double mt = trueMean.data()[i];
                    term = GaussianMath.normalKl(mt, schedule.posteriorLogVarianceClipped(t[b]), m, lv);
                    dTermDMean = (m - mt) * invVar;
                }
                total += term;
                grad.data()[i] += (float) (dTermDMean * dMeanDOut / (n * GaussianMath.LN2));
            }
        }
        return total / (n * GaussianMath.LN2);
    }

    /**
     * The full variational bound of a batch (Eq. 5): every term t = 0..T−1 with fresh noise, plus the prior term.
     * One model forward per step; the model runs in inference mode. Also records the distortion of x̂₀ at each t.
     */
    public Bound bound(Denoiser model, Tensor x0, int[] labels, RandomGenerator rng) {
        DataKind kind = dataKind;
        int b = x0.dim(0), per = x0.size() / b, steps = schedule.steps();
        double[] terms = new double[steps], distortion = new double[steps];
        Tensor noise = x0.zerosLike(), xt = x0.zerosLike(), mean = x0.zerosLike(), x0hat = x0.zerosLike();
        Tensor trueMean = x0.zerosLike();
        int[] t = new int[b];
        double[] nll = new double[2];
        double perUnit = kind == DataKind.IMAGES_8BIT ? x0.size() : b; // bits per dimension or per example
        double pixelScale = kind == DataKind.IMAGES_8BIT ? 127.5 : 1.0;
        for (int step = 0; step < steps; step++) {
            java.util.Arrays.fill(t, step);
            ForwardProcess.gaussian(noise, rng);
            q.sample(x0, t, noise, xt);
            Tensor out = model.forward(xt, t, labels, ForwardContext.inference());
            meanFromOutput(out, xt, t, false, mean, x0hat);
            q.posteriorMean(x0, xt, t, trueMean);
            double lv = modelLogVariance(step), sum = 0, sq = 0;
            for (int i = 0; i < x0.size(); i++) {
                double m = mean.data()[i];
                if (step == 0) {
                    if (kind == DataKind.IMAGES_8BIT) {
                        GaussianMath.discretizedNll(x0.data()[i], m, lv, nll);
                        sum += nll[0];
                    } else {
                        sum += GaussianMath.gaussianNll(x0.data()[i], m, lv);
                    }
                } else {
                    sum += GaussianMath.normalKl(trueMean.data()[i], schedule.posteriorLogVarianceClipped(step), m, lv);
                }
                // Distortion of images is measured on x̂₀ clipped to the pixel range, as DDPM's Table 4.
                double xh = kind == DataKind.IMAGES_8BIT ? Math.max(-1, Math.min(1, x0hat.data()[i])) : x0hat.data()[i];
                double e = (xh - x0.data()[i]) * pixelScale;
                sq += e * e;
            }
            terms[step] = sum / (perUnit * GaussianMath.LN2);
            distortion[step] = Math.sqrt(sq / x0.size());
        }
        // L_T = KL(q(x_T|x₀) ‖ N(0, I)): mean √ᾱ_T·x₀, variance 1 − ᾱ_T.
        int last = steps - 1;
        double lvT = Math.log(1 - schedule.alphaBar(last)), prior = 0;
        for (int i = 0; i < x0.size(); i++) {
            prior += GaussianMath.normalKl(schedule.sqrtAlphaBar(last) * x0.data()[i], lvT, 0, 0);
        }
        return new Bound(terms, prior / (perUnit * GaussianMath.LN2), distortion, kind);
    }

    /** Fluent configuration: DDPM's defaults are ε-prediction, fixed large variance and L_simple. */
    public static final class Builder {
        private Schedule schedule = Schedules.linear(1000, 1e-4, 0.02);
        private MeanType meanType = MeanType.EPSILON;
        private VarianceType varianceType = VarianceType.FIXED_LARGE;
        private LossType lossType = LossType.SIMPLE;
        private DataKind dataKind = DataKind.IMAGES_8BIT;
        private Backend backend;

        public Builder schedule(Schedule s) {
            this.schedule = s;
            return this;
        }

        public Builder meanType(MeanType m) {
            this.meanType = m;
            return this;
        }

        public Builder varianceType(VarianceType v) {
            this.varianceType = v;
            return this;
        }

        public Builder lossType(LossType l) {
            this.lossType = l;
            return this;
        }

        /** 8-bit images (discretised decoder, bits/dim; the default) or continuous data (Gaussian L₀, bits/example). */
        public Builder dataKind(DataKind k) {
            this.dataKind = k;
            return this;
        }

        /** The backend for the loss computations (default: {@link Backends#getDefault()}). */
        public Builder backend(Backend b) {
            this.backend = b;
            return this;
        }

        public GaussianDiffusion build() {
            return new GaussianDiffusion(this);
        }
    }
}
