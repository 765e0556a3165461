package org.ddpm4j.diffusion.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.OracleModels;
import org.ddpm4j.diffusion.Schedule;
import org.ddpm4j.diffusion.Schedules;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * DPM-Solver++(2M) and Heun against the exact solution of the probability-flow ODE. For data ~ N(0, s²) the exact
 * x̂₀ is linear in x_t and the ODE maps x_T to x₀ = x_T·s/√(ᾱ_T·s² + 1 − ᾱ_T) (in y = x/√ᾱ, σ̃ = √((1 − ᾱ)/ᾱ):
 * dy/dσ̃ = σ̃/(s² + σ̃²)·y, so y ∝ √(s² + σ̃²)). Halving the step size must cut a second-order solver's error by
 * about 4, a first-order one's (DDIM with η = 0) by about 2. DPM-Solver++(2M) is checked on log-SNR spacing, where
 * its ratio of successive steps stays near 1 (on steps even in t the last steps' λ grows without bound).
 */
class OdeSolverTest {
    private static final Schedule LINEAR = Schedules.linear(1000, 1e-4, 0.02);
    private static final GaussianDiffusion DIFFUSION = GaussianDiffusion.builder().schedule(LINEAR).build();
    private static final double DATA_VARIANCE = 0.25;
    /** Halving the steps of a second-order method: error ratio about 1/4; a first-order one's is about 1/2. */
    private static final double SECOND_ORDER_RATIO = 0.33;
    private static final double FIRST_ORDER_RATIO = 0.4;

    /** The largest error of the sampler's x₀ for three x_T against the ODE's exact map. */
    private static double error(Sampler sampler) {
        Tensor xT = Tensor.of(new float[] {1.5f, -0.7f, 0.2f}, 3, 1);
        Tensor x = sampler.clipDenoised(false).denoise(OracleModels.gaussianData(LINEAR, DATA_VARIANCE), xT.copy(),
                LINEAR.steps() - 1, null, new SplittableRandom(0));
        double abar = LINEAR.alphaBar(LINEAR.steps() - 1);
        double factor = Math.sqrt(DATA_VARIANCE / (abar * DATA_VARIANCE + 1 - abar)), worst = 0;
        for (int i = 0; i < xT.size(); i++) {
            worst = Math.max(worst, Math.abs(x.get(i) - xT.get(i) * factor));
        }
        return worst;
    }

    private static void assertOrder(IntFunction<Sampler> withSteps, double maxRatio, double minRatio) {
        double coarse = error(withSteps.apply(20)), fine = error(withSteps.apply(40));
        String what = withSteps.apply(2).methodName() + ": error " + coarse + " with 20 steps, " + fine + " with 40";
        assertTrue(fine / coarse < maxRatio && fine / coarse > minRatio, what);
    }

    @Test
    void heunOnEvenStepsAndDpmSolverOnLogSnrStepsConvergeAtSecondOrder() {
        assertOrder(n -> new Sampler(DIFFUSION).respaced(n).heun(), SECOND_ORDER_RATIO, 0);
        assertOrder(n -> new Sampler(DIFFUSION).respacedByLogSnr(n).dpmSolver(), SECOND_ORDER_RATIO, 0);
        assertTrue(error(new Sampler(DIFFUSION).respacedByLogSnr(20).dpmSolver()) < 0.25 * error(
                new Sampler(DIFFUSION).respacedByLogSnr(20).ddim(0)), "DPM-Solver++ against DDIM on 20 log-SNR steps");
    }

    @Test
    void ddimIsFirstOrderSoTheOrderTestDiscriminates() {
        assertOrder(n -> new Sampler(DIFFUSION).respaced(n).ddim(0), 1, FIRST_ORDER_RATIO);
        assertOrder(n -> new Sampler(DIFFUSION).respacedByLogSnr(n).ddim(0), 1, FIRST_ORDER_RATIO);
    }

    @Test
    void logSnrSpacingKeepsTheEndsAndReturnsDistinctAscendingSteps() {
        for (int count : new int[] {1, 2, 10, 100, 1000}) {
            int[] t = Respacing.uniformLogSnr(LINEAR, count);
            assertEquals(count, t.length);
            assertEquals(LINEAR.steps() - 1, t[count - 1], "the noisiest step");
            if (count > 1) {
                assertEquals(0, t[0], "the cleanest step");
            }
            for (int i = 1; i < count; i++) {
                assertTrue(t[i] > t[i - 1], "ascending and distinct at " + i + ": " + java.util.Arrays.toString(t));
            }
        }
        // λ_t falls fastest near t = 0 for DDPM's linear schedule: half of 10 log-SNR steps lie in the first quarter.
        assertTrue(Respacing.uniformLogSnr(LINEAR, 10)[4] < 250, java.util.Arrays.toString(Respacing.uniformLogSnr(LINEAR, 10)));
    }

    @Test
    void networkCallsAndProgressFollowTheMethod() {
        for (int steps : new int[] {1, 2, 7}) {
            assertCalls(new Sampler(DIFFUSION).respaced(steps).dpmSolver(), steps, steps);
            assertCalls(new Sampler(DIFFUSION).respaced(steps).heun(), steps, 2 * steps - 1);
            assertCalls(new Sampler(DIFFUSION).respaced(steps).heun().ancestral(), steps, steps);
        }
    }

    private static void assertCalls(Sampler sampler, int steps, int expected) {
        var model = OracleModels.gaussianData(LINEAR, DATA_VARIANCE);
        List<Integer> reported = new ArrayList<>();
        sampler.progress(1, (t, xt, x0) -> reported.add(t));
        sampler.sample(model, new int[] {2, 1}, new SplittableRandom(1));
        String which = sampler.methodName() + " with " + steps + " steps";
        assertEquals(expected, model.calls(), which + ": network calls");
        assertEquals(expected, sampler.networkEvaluations(), which + ": networkEvaluations()");
        List<Integer> kept = new ArrayList<>();
        for (int t : Respacing.evenly(LINEAR.steps(), steps)) {
            kept.add(0, t);
        }
        assertEquals(kept, reported, which + ": progress at every kept step, from T − 1 down");
    }

    @Test
    void clippedSolversKeepSamplesInTheImageRange() {
        // A wide Gaussian (s = 3) drives unclipped x̂₀ far outside [−1, 1]; the solvers' last step returns x̂₀.
        for (var m : List.<UnaryOperator<Sampler>>of(Sampler::dpmSolver, Sampler::heun)) {
            Tensor x = m.apply(new Sampler(DIFFUSION).respaced(8)).sample(OracleModels.gaussianData(LINEAR, 9),
                    new int[] {64, 1}, new SplittableRandom(2));
            for (float v : x.toArray()) {
                assertTrue(v >= -1 && v <= 1, "sample " + v + " outside [-1, 1]");
            }
        }
    }

    @Test
    void inpaintingRefusesTheOdeSolversByName() {
        Tensor image = Tensor.zeros(2, 1), known = Tensor.zeros(2, 1);
        var e = assertThrows(IllegalStateException.class, () -> new Sampler(DIFFUSION).dpmSolver()
                .inpaint(OracleModels.gaussianData(LINEAR, 1), image, known, null, new SplittableRandom(0)));
        assertTrue(e.getMessage().contains("dpm-solver++(2m)"), e.getMessage());
    }
}
