package org.ddpm4j.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.tensor.NonFiniteException;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The stratified estimate of the bound has the full bound's expectation, and costs k + 1 model calls. */
class BoundEstimateTest {
    private static final Schedule SCHEDULE = Schedules.linear(20, 1e-3, 0.3);
    private static final GaussianDiffusion DIFFUSION = GaussianDiffusion.builder().schedule(SCHEDULE)
            .dataKind(DataKind.CONTINUOUS).build();
    /** Both sides are averages of random draws: their difference must lie within this many standard errors. */
    private static final double STANDARD_ERRORS = 4;

    @Test
    void theEstimateIsUnbiasedForTheFullBound() {
        Tensor x0 = Tensor.zeros(40, 2);
        SplittableRandom data = new SplittableRandom(1);
        x0.update(v -> {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (0.5 * data.nextGaussian());
            }
        });
        // The exact ε-predictor of N(0, 0.25) data is off for these x₀ only by their sample spread: every term is
        // non-zero, so the estimate must weight the drawn ones correctly.
        Denoiser model = OracleModels.gaussianData(SCHEDULE, 0.5);
        double[] full = new double[100], estimated = new double[2000];
        for (int r = 0; r < full.length; r++) {
            full[r] = DIFFUSION.bound(model, x0, null, new SplittableRandom(100 + r)).total();
        }
        for (int r = 0; r < estimated.length; r++) {
            estimated[r] = DIFFUSION.boundEstimate(model, x0, null, new SplittableRandom(1000 + r), 3).total();
        }
        double a = mean(full), b = mean(estimated);
        double se = Math.hypot(Bound.standardErrorOfMean(full), Bound.standardErrorOfMean(estimated));
        assertTrue(Math.abs(a - b) < STANDARD_ERRORS * se, "full " + a + ", estimated " + b + ", standard error " + se);
        assertTrue(se < 0.03 * Math.abs(a), "the check resolves 3% of the bound: se " + se + " of " + a);
    }

    @Test
    void costsOneCallPerStratumAndTheDecoder() {
        var model = OracleModels.gaussianData(SCHEDULE, 0.25);
        BoundEstimate e = DIFFUSION.boundEstimate(model, Tensor.zeros(4, 2), null, new SplittableRandom(2), 5);
        assertEquals(6, model.calls());
        assertEquals(5, e.timesteps());
        assertEquals(4, e.perExample().length);
        var all = OracleModels.gaussianData(SCHEDULE, 0.25);
        assertEquals(19, DIFFUSION.boundEstimate(all, Tensor.zeros(4, 2), null, new SplittableRandom(2), 500)
                .timesteps(), "at most the T − 1 KL terms");
    }

    @Test
    void aNonFiniteTermIsReported() {
        var e = assertThrows(NonFiniteException.class, () -> DIFFUSION.boundEstimate(OracleModels.nanFrom(10),
                Tensor.zeros(2, 2), null, new SplittableRandom(3), 19));
        assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }
}
