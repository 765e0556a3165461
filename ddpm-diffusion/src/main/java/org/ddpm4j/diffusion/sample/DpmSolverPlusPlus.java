package org.ddpm4j.diffusion.sample;

import org.ddpm4j.diffusion.Schedule;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/**
 * DPM-Solver++(2M) (Lu et al. 2022, "DPM-Solver++", Algorithm 2): the multistep second-order solver of the diffusion
 * ODE in its data-prediction form, one network call per step. With α_t = √ᾱ_t, σ_t = √(1 − ᾱ_t) and
 * λ_t = log(α_t/σ_t), the step from s to t with h = λ_t − λ_s is
 * x_t = (σ_t/σ_s)·x_s − α_t·(e^{−h} − 1)·D, where D is x̂₀(x_s) on the first step and
 * (1 + 1/(2r))·x̂₀(x_s) − 1/(2r)·x̂₀ of the previous step otherwise (r = h_previous/h). The last step goes to the clean
 * data (σ = 0), where the update is x̂₀ itself. Data prediction is what makes clipping x̂₀ meaningful (their §4).
 */
final class DpmSolverPlusPlus {
    private DpmSolverPlusPlus() {
    }

    /**
     * Solves from x at chain step {@code steps − 1} to the data, in place.
     *
     * @param chain  the (respaced) schedule whose index k the network is called at
     * @param steps  how many chain steps are visited (indices steps − 1 down to 0)
     * @param onStep called after each step with the chain index just left, x and the x̂₀ it used
     */
    static Tensor solve(Backend be, Schedule chain, int steps, Tensor x, DataPrediction model, StepListener onStep) {
        Tensor previous = x.zerosLike(), combined = x.zerosLike();
        double previousH = Double.NaN;
        for (int k = steps - 1; k >= 0; k--) {
            Tensor x0 = model.predictX0(x, k);
            if (k == 0) {
                be.copy(x0, x);
            } else {
                double lambdaS = lambda(chain, k), lambdaT = lambda(chain, k - 1), h = lambdaT - lambdaS;
                Tensor d = x0;
                if (!Double.isNaN(previousH)) {
                    double r = previousH / h;
                    be.combinePerSample(x0, Sampler.perSample(x, 1 + 1 / (2 * r)), previous,
                            Sampler.perSample(x, -1 / (2 * r)), combined);
                    d = combined;
                }
                double ratio = chain.sqrtOneMinusAlphaBar(k - 1) / chain.sqrtOneMinusAlphaBar(k);
                double byD = -chain.sqrtAlphaBar(k - 1) * Math.expm1(-h);
                be.combinePerSample(x, Sampler.perSample(x, ratio), d, Sampler.perSample(x, byD), x);
                be.copy(x0, previous);
                previousH = h;
            }
            onStep.after(k, x, x0);
        }
        return x;
    }

    /** λ = log(α/σ), the half log-SNR. */
    private static double lambda(Schedule s, int k) {
        return 0.5 * s.logSnr(k);
    }
}
