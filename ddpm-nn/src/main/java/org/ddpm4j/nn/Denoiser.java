package org.ddpm4j.nn;

import org.ddpm4j.tensor.Tensor;

/**
 * A network that maps a noisy sample and its timestep (and optionally a class label) to a tensor of the sample's
 * shape: the ε-prediction of DDPM (Eq. 11), or x₀ or μ̃ for the other parameterisations (plus, optionally, the
 * interpolation v of a learned variance in as many extra channels).
 */
public interface Denoiser extends Module {

    /**
     * @param x         noisy samples, {@code [B, ...]}
     * @param timesteps one timestep per sample, in [0, T)
     * @param labels    one class per sample, or null; the label {@code numClasses} means "no class"
     *                  (classifier-free guidance's unconditional model)
     * @return the prediction, same shape as x — twice the channels (dimension 1) when the model also outputs a
     *         learned variance — owned by the model until its next forward
     */
    Tensor forward(Tensor x, int[] timesteps, int[] labels, ForwardContext ctx);

    /** Backward of the last forward: adds every parameter's gradient for the loss gradient {@code gradOutput}. */
    void backward(Tensor gradOutput);
}
