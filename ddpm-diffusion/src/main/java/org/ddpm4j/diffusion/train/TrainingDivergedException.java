package org.ddpm4j.diffusion.train;

import org.ddpm4j.tensor.NonFiniteException;

/**
 * Training stopped because a step's loss, gradient or updated weights were not finite. {@link #step()} is the step
 * that failed (counted from 1, as the progress reports count); the trainer did not save anything after it.
 */
public final class TrainingDivergedException extends NonFiniteException {
    private final long step;

    TrainingDivergedException(long step, String message) {
        super("training diverged at step " + step + ": " + message);
        this.step = step;
    }

    /** The step that failed, counted from 1. */
    public long step() {
        return step;
    }
}
