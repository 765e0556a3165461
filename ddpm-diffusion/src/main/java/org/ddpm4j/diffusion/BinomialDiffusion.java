package org.ddpm4j.diffusion;

import java.util.Map;
import java.util.random.RandomGenerator;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.nn.ForwardContext;
import org.ddpm4j.tensor.Tensor;

/**
 * Binomial diffusion of binary vectors (Sohl-Dickstein et al. 2015, §2.2 and Appendix D.1.2). Each step keeps a bit
 * with probability 1 − β_t and otherwise replaces it by a fair coin: q(x_t = 1 | x_{t−1}) = x_{t−1}(1 − β_t) + β_t/2.
 * With their schedule β_t = 1/(T − t + 1) every step erases the same fraction 1/T of the signal, ᾱ_t = (T − t)/T,
 * and x_T is exactly uniform. The reverse step p(x_{t−1} | x_t) is a product of Bernoullis. The network is fed
 * x_t as ±1 and predicts x₀: one logit per bit of x̂₀ = P(x₀ = 1 | x_t), and p(x_{t−1} = 1 | x_t) =
 * x̂₀·q(x_{t−1} = 1 | x_t, x₀ = 1) + (1 − x̂₀)·q(x_{t−1} = 1 | x_t, x₀ = 0), the reverse kernel being known
 * in closed form (the x₀-parameterisation of Austin et al.'s D3PM; the per-bit marginal of the true reverse step
 * has exactly this form, so nothing is lost against predicting the flip rates directly). At t = 0 the output is
 * p(x₀ | x₁) itself.
 *
 * <p>The bound is the same decomposition as DDPM's Eq. 5: L_T = KL(q(x_T | x₀) ‖ uniform) (0 here),
 * Σ KL(q(x_{t−1} | x_t, x₀) ‖ p(x_{t−1} | x_t)), and −log p(x₀ | x₁), in bits per sequence. Timesteps are 0-based:
 * index t is the paper's step t + 1. Immutable.
 */
public final class BinomialDiffusion implements TrainingObjective {
    private static final double PROBABILITY_FLOOR = 1e-12;

    private final int steps;
    private final double[] beta;
    private final double[] alphaBar;

    /** The schedule β_t = 1/(T − t + 1) over {@code steps} steps (Sohl-Dickstein et al. used T = 2000). */
    public BinomialDiffusion(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("binomial diffusion needs at least one step, got " + steps);
        }
        this.steps = steps;
        this.beta = new double[steps];
        this.alphaBar = new double[steps];
        double keep = 1;
        for (int t = 0; t < steps; t++) {
            beta[t] = 1.0 / (steps - t);
            keep *= 1 - beta[t];
            alphaBar[t] = keep;
        }
    }

    /** T, the number of steps. */
    @Override
    public int steps() {
        return steps;
    }

    /** β_t, the probability that step t replaces a bit by a coin flip. */
    public double beta(int t) {
        return beta[t];
    }

    /** ᾱ_t = Π (1 − β_s): the probability that a bit of x₀ has survived to x_t untouched. */
    public double alphaBar(int t) {
        return alphaBar[t];
    }

    /** q(x_t = 1 | x₀) for a bit x₀ ∈ {0, 1}: x₀·ᾱ_t + (1 − ᾱ_t)/2. */
    public double probOne(double x0, int t) {
        return x0 * alphaBar[t] + 0.5 * (1 - alphaBar[t]);
    }

    /** q(x_{t−1} = 1 | x_t, x₀) for t ≥ 1, by Bayes' rule from q(x_t | x_{t−1}) and q(x_{t−1} | x₀). */
    public double posteriorProbOne(double x0, double xt, int t) {
        if (t < 1) {
            throw new IllegalArgumentException("the posterior is over x_{t-1} for t >= 1, got t = " + t);
        }
        double prior = probOne(x0, t - 1);
        double fromOne = (1 - beta[t]) * xt + 0.5 * beta[t], fromZero = (1 - beta[t]) * (1 - xt) + 0.5 * beta[t];
        return prior * fromOne / (prior * fromOne + (1 - prior) * fromZero);
    }

    /** Draws x_t ~ q(x_t | x₀) for each sample's timestep (bits as 0/1 floats). */
    public void sample(Tensor x0, int[] t, RandomGenerator rng, Tensor xt) {
        int per = ForwardProcess.perSample(x0, t, "binomial sample");
        float[] from = x0.toArray(), to = new float[xt.size()];
        for (int b = 0; b < t.length; b++) {
            for (int i = b * per; i < (b + 1) * per; i++) {
                to[i] = rng.nextDouble() < probOne(from[i], t[b]) ? 1f : 0f;
            }
        }
        xt.copyFrom(to);
    }

    /**
     * One term of the bound per sequence at the given timesteps (uniform t: Algorithm 1's estimate), in bits per
     * sequence, with its gradient with respect to the network's logits: with a the target probability (the
     * posterior, or x₀ itself at t = 0) and p the model's, ∂KL(a ‖ p)/∂p = (p − a)/(p(1 − p)), times
     * ∂p/∂l = (q₁ − q₀)·x̂₀(1 − x̂₀) through the x₀-parameterisation.
     */
    @Override
    public LossTerms loss(Denoiser model, Tensor x0, int[] t, double[] weights, int[] labels, RandomGenerator rng,
                          ForwardContext ctx) {
        int b = LossTerms.batchOf("binomial loss", x0, t, weights);
        Tensor xt = x0.zerosLike(), input = x0.zerosLike(), target = x0.zerosLike();
        sample(x0, t, rng, xt);
        Tensor logits = model.forward(asInput(xt, input), t, labels, ctx);
        targets(x0, xt, t, target);
        Tensor grad = logits.zerosLike();
        double[] terms = new double[b];
        double loss = 0;
        int per = x0.size() / b;
        float[] lv = logits.toArray(), av = target.toArray(), xv = xt.toArray(), gv = new float[grad.size()];
        for (int s = 0; s < b; s++) {
            int step = t[s];
            double weight = weights == null ? 1 : weights[s], scale = weight / (b * GaussianMath.LN2), total = 0;
            for (int i = s * per; i < (s + 1) * per; i++) {
                double l = lv[i], a = av[i];
                if (step == 0) {
                    // p(x₀ | x₁) = x̂₀: the KL against a one-hot target is −log p, its logit gradient p − a.
                    total += bernoulliKl(a, l);
                    gv[i] = (float) ((sigmoid(l) - a) * scale);
                } else {
                    double x0hat = sigmoid(l), q1 = posteriorProbOne(1, xv[i], step);
                    double q0 = posteriorProbOne(0, xv[i], step), p = mixture(x0hat, q1, q0);
                    total += bernoulliKlOfProbability(a, p);
                    gv[i] = (float) ((p - a) / (p * (1 - p)) * (q1 - q0) * x0hat * (1 - x0hat) * scale);
                }
            }
            terms[s] = total / GaussianMath.LN2;
            loss += weight * terms[s];
        }
        return new LossTerms(loss / b, terms, grad.copyFrom(gv));
    }

    /** Every term is a term of the bound: timesteps may be importance-sampled. */
    @Override
    public boolean supportsImportanceSampling() {
        return true;
    }

    @Override
    public Map<String, String> checkpointMetadata() {
        return DiffusionMetadata.describe(this);
    }

    /**
     * The whole bound of a batch of binary sequences, every step with a fresh draw of x_t: {@code terms[t]} in bits
     * per sequence, and L_T. The model runs in inference mode under its lock; an interrupt stops it within a step.
     */
    public Bits bound(Denoiser model, Tensor x0, int[] labels, RandomGenerator rng) {
        int b = x0.dim(0);
        double[] terms = new double[steps];
        Tensor xt = x0.zerosLike(), input = x0.zerosLike(), target = x0.zerosLike();
        int[] t = new int[b];
        for (int step = 0; step < steps; step++) {
            Cancellation.throwIfInterrupted("binomial bound at step " + step);
            java.util.Arrays.fill(t, step);
            sample(x0, t, rng, xt);
            targets(x0, xt, t, target);
            double sum = 0;
            synchronized (model) {
                Tensor logits = model.forward(asInput(xt, input), t, labels, ForwardContext.inference());
                float[] lv = logits.toArray(), av = target.toArray(), xv = xt.toArray();
                for (int i = 0; i < lv.length; i++) {
                    sum += step == 0 ? bernoulliKl(av[i], lv[i])
                            : bernoulliKlOfProbability(av[i], reverseProbOne(lv[i], xv[i], step));
                }
            }
            terms[step] = sum / (b * GaussianMath.LN2);
        }
        double prior = 0;
        for (float bit : x0.toArray()) {
            double p = probOne(bit, steps - 1);
            prior += xlogy(p, 2 * p) + xlogy(1 - p, 2 * (1 - p));
        }
        return new Bits(terms, prior / (b * GaussianMath.LN2));
    }

    /**
     * The bound of {@link #bound}: −total() is the log-likelihood lower bound K in bits per sequence.
     *
     * @param terms {@code terms[0]} = −log p(x₀ | x₁), else KL(q(x_{t−1} | x_t, x₀) ‖ p(x_{t−1} | x_t)), bits per sequence
     * @param prior L_T = KL(q(x_T | x₀) ‖ uniform), bits per sequence
     */
    public record Bits(double[] terms, double prior) {
        /** The whole bound; smaller is better. */
        public double total() {
            double s = prior;
            for (double v : terms) {
                s += v;
            }
            return s;
        }
    }

    /** p(x_{t−1} = 1 | x_t) for t ≥ 1 from the network's x₀ logit (the x₀-parameterisation above). */
    public double reverseProbOne(double x0Logit, double xt, int t) {
        return mixture(sigmoid(x0Logit), posteriorProbOne(1, xt, t), posteriorProbOne(0, xt, t));
    }

    /** x̂₀·q₁ + (1 − x̂₀)·q₀, kept off 0 and 1: the x₀-parameterised reverse probability. */
    private static double mixture(double x0hat, double q1, double q0) {
        return clampProbability(x0hat * q1 + (1 - x0hat) * q0);
    }

    /** What p(x_{t−1} = 1 | x_t) should be: q's posterior for t ≥ 1, the data bit itself at t = 0. */
    private void targets(Tensor x0, Tensor xt, int[] t, Tensor target) {
        int per = x0.size() / t.length;
        float[] to = new float[target.size()], x0v = x0.toArray(), xtv = xt.toArray();
        for (int b = 0; b < t.length; b++) {
            for (int i = b * per; i < (b + 1) * per; i++) {
                to[i] = (float) (t[b] == 0 ? x0v[i] : posteriorProbOne(x0v[i], xtv[i], t[b]));
            }
        }
        target.copyFrom(to);
    }

    /** Bits 0/1 as the network's input −1/+1. */
    private static Tensor asInput(Tensor bits, Tensor input) {
        float[] from = bits.toArray(), to = new float[input.size()];
        for (int i = 0; i < from.length; i++) {
            to[i] = 2 * from[i] - 1;
        }
        return input.copyFrom(to);
    }

    /** KL(Bernoulli(a) ‖ Bernoulli(σ(l))) in nats, stable for large |l|; a ∈ {0, 1} gives −log p of that bit. */
    static double bernoulliKl(double a, double logit) {
        // log σ(l) = −softplus(−l), log(1 − σ(l)) = −softplus(l)
        return xlogy(a, a) + xlogy(1 - a, 1 - a) + a * softplus(-logit) + (1 - a) * softplus(logit);
    }

    /** KL(Bernoulli(a) ‖ Bernoulli(p)) in nats. */
    static double bernoulliKlOfProbability(double a, double p) {
        return xlogy(a, a) + xlogy(1 - a, 1 - a) - a * Math.log(p) - (1 - a) * Math.log(1 - p);
    }

    /** Keeps log p and log(1 − p) finite: a reverse step is never certain, the forward kernel mixes in β/2. */
    private static double clampProbability(double p) {
        return Math.max(PROBABILITY_FLOOR, Math.min(1 - PROBABILITY_FLOOR, p));
    }

    private static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** x·log y with 0·log 0 = 0. */
    private static double xlogy(double x, double y) {
        return x == 0 ? 0 : x * Math.log(y);
    }
}
