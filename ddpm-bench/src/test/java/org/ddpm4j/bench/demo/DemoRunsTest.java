package org.ddpm4j.bench.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ddpm4j.diffusion.train.TrainingListener;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Backends;
import org.junit.jupiter.api.Test;

/** Short runs of the demos behind {@code ddpm demo} and {@code ddpm heartbeat}: each must learn the data's structure. */
class DemoRunsTest {
    /**
     * A short swiss-roll run (two MLPs of 3 hidden layers, 10 000 steps each) must beat the Gaussian baseline
     * clearly. The residual form starts at the Gaussian's own bound and leaves it slowly, so a much shorter run sits
     * too close to it to test.
     */
    private static final double MIN_BITS_OVER_L_NULL = 0.3;
    /** Uniform bits would be −20 bits per sequence; the truth is −2.32. */
    private static final double MIN_SHORT_HEARTBEAT_BOUND_BITS = -6;

    @Test
    void aShortSwissRollRunBeatsTheGaussianBaseline() {
        // Two networks, so that their concurrent training (one per backend thread) and their average are exercised.
        SwissRollDemo.Settings quick = SwissRollDemo.Settings.builder().trainSteps(10_000).network(128, 3).networks(2)
                .points(20_000, 1000).seed(3).build();
        Backend be = Backends.create("simd", 2);
        SwissRollDemo.Result r = SwissRollDemo.run(quick, be, TrainingListener.NONE);
        be.shutdown();
        assertTrue(r.loglikBoundBits() > r.nullLoglikBits() + MIN_BITS_OVER_L_NULL,
                "K = " + r.loglikBoundBits() + " bits vs L_null " + r.nullLoglikBits());
        assertTrue(r.gapBits() > 0, "a lower bound cannot exceed the true log-likelihood: gap " + r.gapBits());
        assertTrue(r.samples().hasShape(1000, 2), r.samples().shapeString());
        // One noise draw per step and point: a few bits apart per point, so tenths of a bit on 1000 points.
        assertTrue(r.gapStandardErrorBits() > 0.01 && r.gapStandardErrorBits() < 0.5,
                "standard error of the gap " + r.gapStandardErrorBits());
    }

    @Test
    void swissRollSettingsAreBuiltByNameAndChecked() {
        SwissRollDemo.Settings d = SwissRollDemo.Settings.defaults();
        SwissRollDemo.Settings changed = d.toBuilder().learningRate(3e-4, false).build();
        assertEquals(d.toBuilder().build(), d, "toBuilder keeps every setting");
        assertEquals(3e-4, changed.learningRate());
        assertEquals(d.networks(), changed.networks());
        var e = assertThrows(IllegalArgumentException.class, () -> d.toBuilder().networks(0).build());
        assertTrue(e.getMessage().contains("networks must be at least 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.toBuilder().learningRate(Double.NaN, true).build());
        assertTrue(e.getMessage().contains("learning rate"), e.getMessage());
    }

    @Test
    void aShortHeartbeatRunLearnsMostOfTheStructure() {
        HeartbeatDemo.Settings quick = HeartbeatDemo.Settings.defaults().withDiffusionSteps(200)
                .withTrainSteps(2000).withBatchSize(128).withNetwork(64, 2).withLearningRate(1e-3).withTestSequences(300)
                .withSeed(1);
        Backend be = Backends.create("simd", 2);
        HeartbeatDemo.Result r = HeartbeatDemo.run(quick, be, TrainingListener.NONE);
        be.shutdown();
        assertTrue(r.loglikBoundBits() > MIN_SHORT_HEARTBEAT_BOUND_BITS, "K = " + r.loglikBoundBits());
        assertTrue(r.gapBits() > 0, "a bound below the truth: " + r.gapBits());
    }
}
