package org.ddpm4j.diffusion.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.Schedules;
import org.ddpm4j.diffusion.data.InMemoryDataset;
import org.ddpm4j.nn.MlpDenoiser;
import org.ddpm4j.nn.Parameter;
import org.ddpm4j.tensor.ScalarBackend;
import org.junit.jupiter.api.Test;

/**
 * Gradient accumulation in groups (the single-process twin of workers that each accumulate several micro-batches):
 * one group and one group per micro-batch are both the plain rank-order sum, bit for bit; other groupings add the same
 * terms in another order, so they agree within float rounding; and the micro-batches, not their grouping, decide what
 * is drawn.
 */
class LocalGradientsTest {
    private static final int STEPS = 5, BATCH = 9, DATA = 40, DIM = 4;
    /** Relative difference allowed between two summation orders of the same float terms after a few Adam steps. */
    private static final double REORDERING_TOLERANCE = 1e-4;

    private record Run(List<Double> losses, float[] weights) {
    }

    private static Run train(LocalGradients reduction) {
        SplittableRandom r = new SplittableRandom(5);
        float[] samples = new float[DATA * DIM];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (float) r.nextGaussian();
        }
        MlpDenoiser model = new MlpDenoiser(new MlpDenoiser.Config(DIM, 16, 1, 8, 0), new ScalarBackend(),
                new SplittableRandom(2));
        GaussianDiffusion d = GaussianDiffusion.builder().schedule(Schedules.linear(20, 1e-3, 0.2)).build();
        Trainer t = Trainer.builder(model, d).data(new InMemoryDataset(samples, new int[] {DIM}, null, 0))
                .batchSize(BATCH).flips(false).seed(8).learningRate(1e-2).gradientReduction(reduction).build();
        List<Double> losses = new ArrayList<>();
        for (int s = 0; s < STEPS; s++) {
            losses.add(t.trainStep());
        }
        return new Run(losses, FlatParameters.concatenate(model.parameters(), Parameter::value));
    }

    @Test
    void oneGroupAndOneGroupPerMicroBatchAreTheSameRankOrderSum() {
        Run sequential = train(new LocalGradients(4));
        Run perMicroBatch = train(new LocalGradients(4, 4));
        assertEquals(sequential.losses(), perMicroBatch.losses());
        assertArrayEquals(sequential.weights(), perMicroBatch.weights());
    }

    @Test
    void twoGroupsOfTwoAgreeWithinRoundingAndDrawTheSameSamples() {
        Run sequential = train(new LocalGradients(4));
        Run grouped = train(new LocalGradients(4, 2));
        for (int s = 0; s < STEPS; s++) {
            assertEquals(sequential.losses().get(s), grouped.losses().get(s),
                    REORDERING_TOLERANCE * Math.abs(sequential.losses().get(s)), "loss at step " + (s + 1));
        }
        for (int i = 0; i < sequential.weights().length; i++) {
            assertEquals(sequential.weights()[i], grouped.weights()[i],
                    REORDERING_TOLERANCE * (1 + Math.abs(sequential.weights()[i])), "weight " + i);
        }
        // Other micro-batches draw other samples: the comparison above is not between two unrelated runs.
        assertNotEquals(sequential.losses().get(STEPS - 1), train(new LocalGradients(3)).losses().get(STEPS - 1),
                REORDERING_TOLERANCE * Math.abs(sequential.losses().get(STEPS - 1)));
    }

    @Test
    void groupsMustDivideTheMicroBatches() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LocalGradients(4, 3));
        assertEquals("micro-batches must be at least 1 and a multiple of the groups, got 4 micro-batches in 3 groups",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LocalGradients(0));
    }
}
