package org.ddpm4j.diffusion.train;

/** Receives training progress after every step. */
@FunctionalInterface
public interface TrainingListener {

    /**
     * Where a {@link Trainer#train} call stands.
     *
     * @param step           steps done so far over the trainer's life (1 after the first; a resumed run continues)
     * @param lastStep       the step this call will stop at
     * @param loss           this step's loss
     * @param stepsPerSecond measured over this call so far
     */
    record Progress(long step, long lastStep, double loss, double stepsPerSecond) {
        /** Estimated seconds until {@code lastStep} at the rate measured so far. */
        public double etaSeconds() {
            return (lastStep - step) / stepsPerSecond;
        }
    }

    void onStep(Progress progress);

    TrainingListener NONE = progress -> { };
}
