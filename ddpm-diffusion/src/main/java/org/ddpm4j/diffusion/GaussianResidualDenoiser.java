package org.ddpm4j.diffusion;

import java.util.List;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.nn.ForwardContext;
import org.ddpm4j.nn.Parameter;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/**
 * A network that learns only what is not Gaussian about the data: its prediction is the exact prediction for
 * Gaussian data of the same variance plus the wrapped network's output, {@code out = k_t·x_t + F_θ(x_t, t)}.
 *
 * <p>For x₀ ~ N(0, s²·I) and x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε (Eq. 4), x_t has variance v_t = ᾱ_t·s² + 1 − ᾱ_t and
 * E[ε | x_t] = √(1 − ᾱ_t)/v_t·x_t, E[x₀ | x_t] = √ᾱ_t·s²/v_t·x_t, and the posterior mean μ̃ of Eq. 7 is linear in both.
 * So {@code k_t} is the ε, x₀, μ̃ or v coefficient, whichever the diffusion's {@link MeanType} asks the network for. The
 * network then no longer has to carry x_t through its layers where the answer is nearly x_t itself: at high noise,
 * ε ≈ x_t.
 *
 * <p>A learned variance's v channels (the second half of the channels) pass through unchanged. The skip is a
 * per-sample combination on the network's backend; the parameters, gradients and checkpoint names are the wrapped
 * network's.
 */
public final class GaussianResidualDenoiser implements Denoiser {
    private final Denoiser network;
    private final double[] skip;
    private final boolean learnedVariance;
    private Tensor output;
    /** [x_t, 0] per sample, for a learned variance: the skip then adds nothing to the v channels. */
    private Tensor padded;
    private Tensor zeros;

    /**
     * @param network      F_θ, with the output layout the diffusion expects
     * @param diffusion    whose schedule, mean type and variance type the output is read with
     * @param dataVariance s², the variance per coordinate of the training data (1 for data scaled to unit variance,
     *                     about 0.25 for images in [−1, 1])
     */
    public GaussianResidualDenoiser(Denoiser network, GaussianDiffusion diffusion, double dataVariance) {
        if (!(dataVariance > 0) || Double.isInfinite(dataVariance)) {
            throw new IllegalArgumentException("Gaussian residual: data variance must be positive and finite but was "
                    + dataVariance);
        }
        this.network = network;
        this.learnedVariance = diffusion.learnsVariance();
        this.skip = coefficients(diffusion.schedule(), diffusion.meanType(), dataVariance);
    }

    /** k_t for every training step: the network target of N(0, s²·I) data as a multiple of x_t. */
    static double[] coefficients(Schedule s, MeanType meanType, double dataVariance) {
        double[] k = new double[s.steps()];
        for (int t = 0; t < k.length; t++) {
            double abar = s.alphaBar(t), variance = abar * dataVariance + 1 - abar;
            double eps = Math.sqrt(1 - abar) / variance, x0 = Math.sqrt(abar) * dataVariance / variance;
            k[t] = switch (meanType) {
                case EPSILON -> eps;
                case X0 -> x0;
                case MEAN -> s.posteriorMeanCoefX0(t) * x0 + s.posteriorMeanCoefXt(t);
                case VELOCITY -> s.sqrtAlphaBar(t) * eps - s.sqrtOneMinusAlphaBar(t) * x0;
            };
        }
        return k;
    }

    @Override
    public Backend backend() {
        return network.backend();
    }

    @Override
    public Tensor forward(Tensor x, int[] timesteps, int[] labels, ForwardContext ctx) {
        Tensor raw = network.forward(x, timesteps, labels, ctx);
        int b = x.dim(0), per = x.size() / b, outPer = raw.size() / b;
        if (timesteps.length != b || raw.dim(0) != b || outPer != (learnedVariance ? 2 : 1) * per) {
            throw new IllegalArgumentException("Gaussian residual: network output " + raw.shapeString()
                    + " does not fit x_t " + x.shapeString() + (learnedVariance ? " with a learned variance" : "")
                    + " and " + timesteps.length + " timesteps");
        }
        float[] ones = new float[b], k = new float[b];
        for (int r = 0; r < b; r++) {
            int t = timesteps[r];
            if (t < 0 || t >= skip.length) {
                throw new IllegalArgumentException("Gaussian residual: timestep " + t + " at index " + r
                        + " is outside [0, " + skip.length + ")");
            }
            ones[r] = 1f;
            k[r] = (float) skip[t];
        }
        Backend be = backend();
        Tensor addend = x.reshape(b, per);
        if (learnedVariance) {
            // Channels first: the mean part of sample r is the first `per` values of its output row.
            if (padded == null || !padded.hasShape(b, outPer)) {
                padded = Tensor.zeros(b, outPer);
                zeros = Tensor.zeros(b, per);
            }
            be.concatChannels(addend, zeros, padded);
            addend = padded;
        }
        output = output != null && output.sameShape(raw) ? output : raw.zerosLike();
        be.combinePerSample(raw, ones, addend.reshape(raw.shape()), k, output);
        return output;
    }

    /** The skip k_t·x_t has no parameters: the loss gradient reaches the network's output unchanged. */
    @Override
    public void backward(Tensor gradOutput) {
        network.backward(gradOutput);
    }

    @Override
    public List<Parameter> parameters() {
        return network.parameters();
    }

    @Override
    public int numClasses() {
        return network.numClasses();
    }
}
