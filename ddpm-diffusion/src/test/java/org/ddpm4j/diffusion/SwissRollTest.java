package org.ddpm4j.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.data.SwissRoll;
import org.junit.jupiter.api.Test;

class SwissRollTest {
    @Test
    void generatorHasUnitVarianceAndTheDocumentedTrueLikelihood() {
        Dataset d = SwissRoll.sample(4000, new SplittableRandom(0));
        float[] p = d.all().toArray();
        double sq = 0, mean = 0;
        for (float v : p) {
            mean += v;
            sq += (double) v * v;
        }
        mean /= p.length;
        assertEquals(1.0, sq / p.length - mean * mean, 0.1, "variance per coordinate (scale s = 6.7906)");
        // The roll's true log-likelihood, ≈ 0.39 bits per point (quadrature over u, Monte Carlo over x).
        assertEquals(0.39, SwissRoll.trueLogLikelihoodBits(d), 0.05);
    }
}
