package org.ddpm4j.diffusion.sample;

import org.ddpm4j.tensor.Tensor;

/**
 * The network as the ODE solvers see it: x̂₀(x_t) at step k of the sampling chain, from one network call (guided and
 * clipped as the sampler is configured). The returned tensor is a buffer that the next call overwrites.
 */
@FunctionalInterface
interface DataPrediction {
    Tensor predictX0(Tensor xt, int k);
}
