package org.ddpm4j.diffusion;

import java.util.random.RandomGenerator;
import org.ddpm4j.tensor.Tensor;

/**
 * The forward (noising) process q and its posterior, batched: tensors are {@code [B, ...]} with one timestep per
 * sample. Coefficients come from the double tables of the {@link Schedule} and are rounded to float at use.
 */
public final class ForwardProcess {
    private final Schedule schedule;

    /** The forward process q of this schedule. */
    public ForwardProcess(Schedule schedule) {
        this.schedule = schedule;
    }

    /** The schedule whose tables this process uses. */
    public Schedule schedule() {
        return schedule;
    }

    /** Eq. 4: {@code out = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε}. out may alias x0 or noise. */
    public void sample(Tensor x0, int[] t, Tensor noise, Tensor out) {
        int per = perSample(x0, t, "sample");
        float[] outV = out.data(), x0V = x0.data(), noiseV = noise.data();
        for (int b = 0; b < t.length; b++) {
            float a = (float) schedule.sqrtAlphaBar(t[b]), s = (float) schedule.sqrtOneMinusAlphaBar(t[b]);
            for (int i = b * per; i < (b + 1) * per; i++) {
                outV[i] = a * x0V[i] + s * noiseV[i];
            }
        }
    }

    /** Eq. 7: the mean μ̃_t(x_t, x₀) of q(x_{t−1} | x_t, x₀). */
    public void posteriorMean(Tensor x0, Tensor xt, int[] t, Tensor out) {
        int per = perSample(x0, t, "posteriorMean");
        float[] outV = out.data(), x0V = x0.data(), xtV = xt.data();
        for (int b = 0; b < t.length; b++) {
            float c0 = (float) schedule.posteriorMeanCoefX0(t[b]), ct = (float) schedule.posteriorMeanCoefXt(t[b]);
            for (int i = b * per; i < (b + 1) * per; i++) {
                outV[i] = c0 * x0V[i] + ct * xtV[i];
            }
        }
    }

    /** Eq. 15 rearranged: {@code x̂₀ = x_t/√ᾱ_t − √(1/ᾱ_t − 1)·ε}. */
    public void predictX0FromEps(Tensor xt, int[] t, Tensor eps, Tensor out) {
        int per = perSample(xt, t, "predictX0FromEps");
        float[] outV = out.data(), xtV = xt.data(), epsV = eps.data();
        for (int b = 0; b < t.length; b++) {
            float a = (float) schedule.sqrtRecipAlphaBar(t[b]), c = (float) schedule.sqrtRecipAlphaBarMinusOne(t[b]);
            for (int i = b * per; i < (b + 1) * per; i++) {
                outV[i] = a * xtV[i] - c * epsV[i];
            }
        }
    }

    /** The ε that x_t and a given x₀ imply: {@code (x_t/√ᾱ_t − x₀)/√(1/ᾱ_t − 1)}. */
    public void predictEpsFromX0(Tensor xt, int[] t, Tensor x0, Tensor out) {
        int per = perSample(xt, t, "predictEpsFromX0");
        float[] outV = out.data(), xtV = xt.data(), x0V = x0.data();
        for (int b = 0; b < t.length; b++) {
            double a = schedule.sqrtRecipAlphaBar(t[b]), c = schedule.sqrtRecipAlphaBarMinusOne(t[b]);
            for (int i = b * per; i < (b + 1) * per; i++) {
                outV[i] = (float) ((a * xtV[i] - x0V[i]) / c);
            }
        }
    }

    /** Fills {@code out} with independent standard normal values. */
    public static void gaussian(Tensor out, RandomGenerator rng) {
        float[] d = out.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rng.nextGaussian();
        }
    }

    static int perSample(Tensor x, int[] t, String op) {
        if (x.rank() < 1 || x.dim(0) != t.length) {
            throw new IllegalArgumentException(op + ": " + t.length + " timesteps for a batch of shape " + x.shapeString());
        }
        return x.size() / t.length;
    }
}
