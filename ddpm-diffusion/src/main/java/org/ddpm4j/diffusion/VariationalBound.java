package org.ddpm4j.diffusion;

import java.util.random.RandomGenerator;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.nn.ForwardContext;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.NonFiniteException;
import org.ddpm4j.tensor.Tensor;

/**
 * The variational bound of a {@link GaussianDiffusion} (DDPM Eq. 5): its terms L_t as KL divergences between
 * Gaussians, the decoder's discretised likelihood at t = 0 (Eq. 13), the prior term L_T, and the gradients of the
 * terms with respect to the network's outputs for the VLB and hybrid losses. The terms are summed in double on the
 * host, from copies of the reverse distribution's values.
 */
final class VariationalBound {
    private final GaussianDiffusion d;
    private final Schedule schedule;
    private final ForwardProcess q;
    private final MeanType meanType;
    private final DataKind dataKind;

    VariationalBound(GaussianDiffusion d) {
        this.d = d;
        this.schedule = d.schedule();
        this.q = d.forwardProcess();
        this.meanType = d.meanType();
        this.dataKind = d.dataKind();
    }

    /**
     * The bound's term at t for each sample, written unweighted to {@code termsOut[b]} (bits/dim), and its gradients (times {@code weight} and
     * the sample's weight) with respect to the network's mean output (if {@code trainMean}) and variance output v: KL terms give
     * (μ_θ − μ̃)/σ² for the mean and ½(1 − σ̃²/σ² − (μ_θ − μ̃)²/σ²) for log σ², the decoder the derivatives of its
     * negative log-likelihood, then the chain rule through μ_θ(output) and log σ²(v) = ½(log β − log β̃)·v + const.
     */
    void termsAndGradients(Backend be, ReverseDistribution p, Tensor x0, Tensor xt, int[] t, double weight,
                           double[] sampleWeights, boolean trainMean, Tensor gradMean, Tensor gradVariance,
                           double[] termsOut) {
        Tensor trueMean = x0.zerosLike();
        q.posteriorMean(be, x0, xt, t, trueMean);
        int per = x0.size() / t.length, n = x0.size();
        double scale = weight / (n * GaussianMath.LN2);
        double[] nll = new double[3];
        float[] mean = p.mean().toArray(), logVar = p.logVariance().toArray(), x0v = x0.toArray();
        float[] mt0 = trueMean.toArray();
        float[] dMean = gradMean.toArray(), dVar = d.learnsVariance() ? gradVariance.toArray() : null;
        for (int b = 0; b < t.length; b++) {
            double dMeanDOut = switch (meanType) {
                case EPSILON -> -schedule.posteriorMeanCoefX0(t[b]) * schedule.sqrtRecipAlphaBarMinusOne(t[b]);
                case X0 -> schedule.posteriorMeanCoefX0(t[b]);
                case MEAN -> 1.0;
                case VELOCITY -> -schedule.posteriorMeanCoefX0(t[b]) * schedule.sqrtOneMinusAlphaBar(t[b]);
            };
            double dLogVarDV = 0.5 * (Math.log(schedule.beta(t[b])) - schedule.posteriorLogVarianceClipped(t[b]));
            double sampleWeight = sampleWeights == null ? 1.0 : sampleWeights[b], sampleScale = scale * sampleWeight;
            double sampleTotal = 0;
            for (int i = b * per; i < (b + 1) * per; i++) {
                double m = mean[i], lv = logVar[i], invVar = Math.exp(-lv), term, dTermDMean, dTermDLogVar;
                if (t[b] == 0) {
                    double x = x0v[i];
                    if (dataKind == DataKind.IMAGES_8BIT) {
                        GaussianMath.discretizedNll(x, m, lv, nll);
                        term = nll[0];
                        dTermDMean = nll[1];
                        dTermDLogVar = nll[2];
                    } else {
                        term = GaussianMath.gaussianNll(x, m, lv);
                        dTermDMean = (m - x) * invVar;
                        dTermDLogVar = 0.5 * (1 - (x - m) * (x - m) * invVar);
                    }
                } else {
                    double mt = mt0[i], lvq = schedule.posteriorLogVarianceClipped(t[b]);
                    term = GaussianMath.normalKl(mt, lvq, m, lv);
                    dTermDMean = (m - mt) * invVar;
                    dTermDLogVar = 0.5 * (1 - Math.exp(lvq - lv) - (m - mt) * (m - mt) * invVar);
                }
                sampleTotal += term;
                if (trainMean) {
                    dMean[i] += (float) (dTermDMean * dMeanDOut * sampleScale);
                }
                if (d.learnsVariance()) {
                    dVar[i] += (float) (dTermDLogVar * dLogVarDV * sampleScale);
                }
            }
            termsOut[b] = sampleTotal / (per * GaussianMath.LN2);
        }
        if (trainMean) {
            gradMean.copyFrom(dMean);
        }
        if (d.learnsVariance()) {
            gradVariance.copyFrom(dVar);
        }
    }

    /**
     * An unbiased estimate of each example's bound from {@code timesteps} of its T − 1 KL terms, as
     * {@link GaussianDiffusion#boundEstimate} describes it.
     */
    BoundEstimate estimate(Denoiser model, Tensor x0, int[] labels, RandomGenerator rng, int timesteps) {
        int b = x0.dim(0), steps = schedule.steps(), strata = Math.min(timesteps, steps - 1);
        if (strata < 1) {
            throw new IllegalArgumentException("bound estimate: needs at least 1 timestep and T >= 2, got "
                    + timesteps + " of T = " + steps);
        }
        Backend be = model.backend();
        Tensor noise = x0.zerosLike(), xt = x0.zerosLike(), unusedGradient = x0.zerosLike();
        Tensor unusedVarianceGradient = d.learnsVariance() ? x0.zerosLike() : null;
        ReverseDistribution p = d.newReverse(x0.shape());
        double[] perExample = prior(x0), decoder = new double[b], terms = new double[b];
        double perDimension = dataKind == DataKind.IMAGES_8BIT ? 1 : x0.size() / b;
        int[] t = new int[b];
        // Stratum 0 is t = 0 alone (the decoder L₀); strata 1..k split 1..T−1 evenly, one draw per example each,
        // weighted by the stratum's size: Σ_j n_j·L_{t_j} is unbiased for Σ_{t ≥ 1} L_t.
        for (int j = 0; j <= strata; j++) {
            Cancellation.throwIfInterrupted("bound estimate at stratum " + j);
            int from = j == 0 ? 0 : 1 + (int) ((long) (j - 1) * (steps - 1) / strata);
            int to = j == 0 ? 1 : 1 + (int) ((long) j * (steps - 1) / strata);
            for (int e = 0; e < b; e++) {
                t[e] = from + rng.nextInt(to - from);
            }
            ForwardProcess.gaussian(be, noise, rng);
            q.sample(be, x0, t, noise, xt);
            synchronized (model) {
                Tensor out = model.forward(xt, t, labels, ForwardContext.inference());
                d.reverse(be, out, xt, t, false, p);
            }
            termsAndGradients(be, p, x0, xt, t, 1, null, false, unusedGradient, unusedVarianceGradient, terms);
            for (int e = 0; e < b; e++) {
                terms[e] *= perDimension; // bits/dim for images, bits/example for continuous data
                if (!Double.isFinite(terms[e])) {
                    throw new NonFiniteException("the bound's term at t = " + (t[e] + 1) + " of example " + e + " is "
                            + terms[e] + ": the model's output holds non-finite values");
                }
                perExample[e] += (to - from) * terms[e];
                if (j == 0) {
                    decoder[e] = terms[e];
                }
            }
        }
        return new BoundEstimate(perExample, decoder, strata, dataKind);
    }

    /** L_T = KL(q(x_T|x₀) ‖ N(0, I)) of each example, in bits per dimension (images) or per example. */
    private double[] prior(Tensor x0) {
        int b = x0.dim(0), per = x0.size() / b, last = schedule.steps() - 1;
        double lvT = Math.log(1 - schedule.alphaBar(last)), unit = dataKind == DataKind.IMAGES_8BIT ? per : 1;
        double[] out = new double[b];
        float[] x0v = x0.toArray();
        for (int i = 0; i < x0v.length; i++) {
            out[i / per] += GaussianMath.normalKl(schedule.sqrtAlphaBar(last) * x0v[i], lvT, 0, 0) / (unit * GaussianMath.LN2);
        }
        return out;
    }

    /**
     * The full variational bound of a batch, as {@link GaussianDiffusion#bound} describes it.
     */
    Bound of(Denoiser model, Tensor x0, int[] labels, RandomGenerator rng) {
        DataKind kind = dataKind;
        Backend be = model.backend();
        int b = x0.dim(0), steps = schedule.steps();
        double[] terms = new double[steps], distortion = new double[steps];
        Tensor noise = x0.zerosLike(), xt = x0.zerosLike(), trueMean = x0.zerosLike();
        ReverseDistribution p = d.newReverse(x0.shape());
        int[] t = new int[b];
        double[] nll = new double[3];
        double perUnit = kind == DataKind.IMAGES_8BIT ? x0.size() : b; // bits per dimension or per example
        int per = x0.size() / b;
        double perExampleUnit = kind == DataKind.IMAGES_8BIT ? per : 1;
        double[] perExample = new double[b];
        double pixelScale = kind == DataKind.IMAGES_8BIT ? 127.5 : 1.0;
        for (int step = 0; step < steps; step++) {
            Cancellation.throwIfInterrupted("bound at step " + step);
            java.util.Arrays.fill(t, step);
            ForwardProcess.gaussian(be, noise, rng);
            q.sample(be, x0, t, noise, xt);
            synchronized (model) {
                Tensor out = model.forward(xt, t, labels, ForwardContext.inference());
                d.reverse(be, out, xt, t, false, p);
            }
            q.posteriorMean(be, x0, xt, t, trueMean);
            double lvq = schedule.posteriorLogVarianceClipped(step), sum = 0, sq = 0;
            float[] mean = p.mean().toArray(), logVar = p.logVariance().toArray(), x0hat = p.predictedX0().toArray();
            float[] x0v = x0.toArray(), mt = trueMean.toArray();
            for (int i = 0; i < x0v.length; i++) {
                double m = mean[i], lv = logVar[i], term;
                if (step == 0) {
                    if (kind == DataKind.IMAGES_8BIT) {
                        GaussianMath.discretizedNll(x0v[i], m, lv, nll);
                        term = nll[0];
                    } else {
                        term = GaussianMath.gaussianNll(x0v[i], m, lv);
                    }
                } else {
                    term = GaussianMath.normalKl(mt[i], lvq, m, lv);
                }
                sum += term;
                perExample[i / per] += term;
                // Distortion of images is measured on x̂₀ clipped to the pixel range, as DDPM's Table 4.
                double xh = kind == DataKind.IMAGES_8BIT ? Math.max(-1, Math.min(1, x0hat[i])) : x0hat[i];
                double e = (xh - x0v[i]) * pixelScale;
                sq += e * e;
            }
            terms[step] = sum / (perUnit * GaussianMath.LN2);
            if (!Double.isFinite(terms[step])) {
                throw new NonFiniteException("the bound's term L_" + step + " is " + terms[step] + ": the model's "
                        + "output at t = " + (step + 1) + " holds non-finite values");
            }
            distortion[step] = Math.sqrt(sq / x0.size());
        }
        for (int e = 0; e < b; e++) {
            perExample[e] /= perExampleUnit * GaussianMath.LN2;
        }
        // Each example spans the same number of units, so the batch's prior is the mean of the examples'.
        double[] priors = prior(x0);
        double prior = 0;
        for (int e = 0; e < b; e++) {
            perExample[e] += priors[e];
            prior += priors[e] / b;
        }
        return new Bound(terms, prior, distortion, perExample, kind);
    }
}
