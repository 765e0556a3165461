package org.ddpm4j.diffusion;

import java.util.function.IntToDoubleFunction;
import java.util.random.RandomGenerator;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/**
 * The forward (noising) process q and its posterior, batched: tensors are {@code [B, ...]} with one timestep per
 * sample, computed on the backend given (the model's). Coefficients come from the double tables of the
 * {@link Schedule} and are rounded to float at use.
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

    /** Eq. 4: {@code out = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε}, on {@code be}. out may be x0 or noise. */
    public void sample(Backend be, Tensor x0, int[] t, Tensor noise, Tensor out) {
        perSample(x0, t, "sample");
        be.combinePerSample(x0, coefficients(t, schedule::sqrtAlphaBar), noise,
                coefficients(t, schedule::sqrtOneMinusAlphaBar), out);
    }

    /** Eq. 7: the mean μ̃_t(x_t, x₀) of q(x_{t−1} | x_t, x₀), on {@code be}. */
    public void posteriorMean(Backend be, Tensor x0, Tensor xt, int[] t, Tensor out) {
        perSample(x0, t, "posteriorMean");
        be.combinePerSample(x0, coefficients(t, schedule::posteriorMeanCoefX0), xt,
                coefficients(t, schedule::posteriorMeanCoefXt), out);
    }

    /** Eq. 15 rearranged: {@code x̂₀ = x_t/√ᾱ_t − √(1/ᾱ_t − 1)·ε}, on {@code be}. */
    public void predictX0FromEps(Backend be, Tensor xt, int[] t, Tensor eps, Tensor out) {
        perSample(xt, t, "predictX0FromEps");
        be.combinePerSample(xt, coefficients(t, schedule::sqrtRecipAlphaBar), eps,
                coefficients(t, step -> -schedule.sqrtRecipAlphaBarMinusOne(step)), out);
    }

    /** The ε that x_t and a given x₀ imply: {@code (x_t/√ᾱ_t − x₀)/√(1/ᾱ_t − 1)}, on {@code be}. */
    public void predictEpsFromX0(Backend be, Tensor xt, int[] t, Tensor x0, Tensor out) {
        perSample(xt, t, "predictEpsFromX0");
        be.combinePerSample(xt, coefficients(t, step -> schedule.sqrtRecipAlphaBar(step)
                / schedule.sqrtRecipAlphaBarMinusOne(step)), x0,
                coefficients(t, step -> -1 / schedule.sqrtRecipAlphaBarMinusOne(step)), out);
    }

    /** The velocity of Salimans &amp; Ho (2022, §4): {@code v = √ᾱ_t·ε − √(1 − ᾱ_t)·x₀}, on {@code be}. */
    public void velocity(Backend be, Tensor eps, Tensor x0, int[] t, Tensor out) {
        perSample(eps, t, "velocity");
        be.combinePerSample(eps, coefficients(t, schedule::sqrtAlphaBar), x0,
                coefficients(t, step -> -schedule.sqrtOneMinusAlphaBar(step)), out);
    }

    /** x₀ from x_t and the velocity: {@code x̂₀ = √ᾱ_t·x_t − √(1 − ᾱ_t)·v}, on {@code be}. */
    public void predictX0FromVelocity(Backend be, Tensor xt, int[] t, Tensor v, Tensor out) {
        perSample(xt, t, "predictX0FromVelocity");
        be.combinePerSample(xt, coefficients(t, schedule::sqrtAlphaBar), v,
                coefficients(t, step -> -schedule.sqrtOneMinusAlphaBar(step)), out);
    }

    /** One coefficient per sample from the double tables, rounded to float at use. */
    private static float[] coefficients(int[] t, IntToDoubleFunction table) {
        float[] c = new float[t.length];
        for (int b = 0; b < t.length; b++) {
            c[b] = (float) table.applyAsDouble(t[b]);
        }
        return c;
    }

    /**
     * Fills {@code out} with independent standard normal values, drawn on {@code be} (on the device, for a device
     * backend) from one seed that {@code rng} gives: the same values on every backend ({@link Backend#gaussianNoise}).
     */
    public static void gaussian(Backend be, Tensor out, RandomGenerator rng) {
        be.gaussianNoise(rng.nextLong(), out);
    }

    static int perSample(Tensor x, int[] t, String op) {
        if (x.rank() < 1 || x.dim(0) != t.length) {
            throw new IllegalArgumentException(op + ": " + t.length + " timesteps for a batch of shape " + x.shapeString());
        }
        return x.size() / t.length;
    }
}
