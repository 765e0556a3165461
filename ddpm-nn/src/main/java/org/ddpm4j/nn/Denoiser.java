package org.ddpm4j.nn;

import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/**
 * A network that maps a noisy sample and its timestep (and optionally a class label) to a tensor of the sample's
 * shape: the ε-prediction of DDPM (Eq. 11), or x₀ or μ̃ for the other parameterisations (plus, optionally, the
 * interpolation v of a learned variance in as many extra channels).
 *
 * <p>Threads: a model keeps its activations from {@code forward} for {@code backward} and returns its output in its
 * own buffers, so only one call may run at a time. Code that shares a model between threads holds the model's
 * monitor ({@code synchronized (model)}) from {@code forward} until it has read the output (and, when training,
 * through {@code backward} and the optimiser step); ddpm4j's samplers, bound and trainer do, so several threads may
 * sample from one trained model at once. The backend already spreads each op over all cores.
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

    /**
     * The backend holding the model's tensors. Whatever works on the model's inputs and outputs (the losses, the
     * samplers, the bound) runs on this backend too, so a model on a device keeps its data there.
     */
    Backend backend();

    /** The number of classes of a class-conditional model (its "no class" label is this number); 0 if unconditional. */
    default int numClasses() {
        return 0;
    }
}
