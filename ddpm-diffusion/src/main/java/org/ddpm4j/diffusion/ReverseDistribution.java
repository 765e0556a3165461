package org.ddpm4j.diffusion;

import org.ddpm4j.tensor.Tensor;

/**
 * The Gaussian p_θ(x_{t−1} | x_t) = N(μ_θ, σ²_θ) of a batch at one step (DDPM Eq. 1), as
 * {@link GaussianDiffusion#reverse} fills it from the network's output: the mean, the log-variance of every element
 * (constant per sample for fixed variances, per element when learned) and the x̂₀ the mean was formed from.
 * Allocate one per batch shape with {@link GaussianDiffusion#newReverse(int...)} and reuse it across steps; it is
 * not safe to share between threads.
 */
public final class ReverseDistribution {
    private final Tensor mean;
    private final Tensor logVariance;
    private final Tensor predictedX0;
    /** The network output's two halves when the variance is learned (else unused): ε-part and v. */
    final Tensor meanOutput;
    final Tensor varianceOutput;
    /** Ones, for a learned variance: the constant its log-variance is combined from on the backend. */
    private Tensor ones;

    ReverseDistribution(int[] shape) {
        this.mean = Tensor.zeros(shape);
        this.logVariance = Tensor.zeros(shape);
        this.predictedX0 = Tensor.zeros(shape);
        this.meanOutput = Tensor.zeros(shape);
        this.varianceOutput = Tensor.zeros(shape);
    }

    /** μ_θ(x_t, t), the shape of x_t. */
    public Tensor mean() {
        return mean;
    }

    /** log σ²_θ(x_t, t) per element, the shape of x_t. */
    public Tensor logVariance() {
        return logVariance;
    }

    /** x̂₀ behind the mean (Eq. 15 for ε-prediction), clipped if asked. */
    public Tensor predictedX0() {
        return predictedX0;
    }

    Tensor ones() {
        if (ones == null) {
            ones = mean.zerosLike().fill(1f);
        }
        return ones;
    }

    boolean fits(Tensor x) {
        return mean.hasShape(x.shape());
    }
}
