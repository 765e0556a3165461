package org.ddpm4j.diffusion.sample;

import org.ddpm4j.diffusion.Schedule;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/**
 * The deterministic second-order Heun sampler of Karras et al. 2022 (Algorithm 1 without churn) on the chain's
 * noise levels. In their variables y = x_t/α_t and σ̃_t = σ_t/α_t = √((1 − ᾱ_t)/ᾱ_t) the probability-flow ODE is
 * dy/dσ̃ = (y − D(y; σ̃))/σ̃ with D = x̂₀. Each step takes an Euler step to the next level and corrects it with the
 * average of the two slopes (their Eq. 5, trapezoidal rule); the last step, to σ̃ = 0, stays Euler (the slope there
 * is undefined). So n steps cost 2n − 1 network calls.
 */
final class HeunSolver {
    private HeunSolver() {
    }

    /** Network calls for a chain of {@code steps} steps. */
    static int evaluations(int steps) {
        return 2 * steps - 1;
    }

    /**
     * Solves from x at chain step {@code steps − 1} to the data, in place (see {@link DpmSolverPlusPlus#solve}).
     */
    static Tensor solve(Backend be, Schedule chain, int steps, Tensor x, DataPrediction model, StepListener onStep) {
        Tensor y = x.zerosLike(), euler = x.zerosLike(), firstX0 = x.zerosLike(), input = x.zerosLike();
        be.scale(x, (float) (1 / chain.sqrtAlphaBar(steps - 1)), y);
        for (int k = steps - 1; k >= 0; k--) {
            double from = sigma(chain, k), to = k > 0 ? sigma(chain, k - 1) : 0;
            be.scale(y, (float) chain.sqrtAlphaBar(k), input);
            Tensor x0 = model.predictX0(input, k);
            // Euler: y + (to − from)·(y − D)/from = (to/from)·y + (1 − to/from)·D
            be.combinePerSample(y, Sampler.perSample(x, to / from), x0, Sampler.perSample(x, 1 - to / from),
                    euler);
            if (k == 0) {
                be.copy(euler, y);
            } else {
                be.copy(x0, firstX0);
                be.scale(euler, (float) chain.sqrtAlphaBar(k - 1), input);
                Tensor x0Next = model.predictX0(input, k - 1);
                // y + (to − from)/2·((y − D)/from + (y' − D')/to)
                double half = (to - from) / 2, a = half / from, c = half / to;
                be.combinePerSample(y, Sampler.perSample(x, 1 + a), firstX0, Sampler.perSample(x, -a), y);
                be.combinePerSample(y, Sampler.perSample(x, 1), euler, Sampler.perSample(x, c), y);
                be.combinePerSample(y, Sampler.perSample(x, 1), x0Next, Sampler.perSample(x, -c), y);
                x0 = firstX0;
            }
            // x = α·y at the level reached (α = 1 for the data)
            be.scale(y, (float) (k > 0 ? chain.sqrtAlphaBar(k - 1) : 1), x);
            onStep.after(k, x, x0);
        }
        return x;
    }

    /** σ̃ = √((1 − ᾱ)/ᾱ): the noise level in the variance-exploding variables. */
    private static double sigma(Schedule s, int k) {
        return Math.sqrt((1 - s.alphaBar(k)) / s.alphaBar(k));
    }
}
