package org.ddpm4j.diffusion.train;

/** Receives training progress after every step. */
@FunctionalInterface
public interface TrainingListener {

    /**
     * @param step          steps done so far (1 after the first)
     * @param loss          this step's loss
     * @param stepsPerSecond measured over the run so far
     */
    void onStep(long step, double loss, double stepsPerSecond);

    TrainingListener NONE = (step, loss, rate) -> { };
}
