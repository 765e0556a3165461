package org.ddpm4j.diffusion.sample;

import org.ddpm4j.tensor.Tensor;

/** Told by a solver after each step: the chain index just left, x after the step, and the x̂₀ the step used. */
@FunctionalInterface
interface StepListener {
    void after(int k, Tensor x, Tensor predictedX0);
}
