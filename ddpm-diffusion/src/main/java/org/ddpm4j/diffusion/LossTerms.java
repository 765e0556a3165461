package org.ddpm4j.diffusion;

import org.ddpm4j.tensor.Tensor;

/**
 * A training loss on one batch, as a {@link TrainingObjective} computes it: the loss, each sample's own term, and the
 * gradient of the loss with respect to the model's output, which the caller passes to the model's backward (the
 * objective never runs backward itself).
 *
 * @param loss           the batch's loss: the mean over samples of {@code weight[b]·perSample[b]} (weights 1 unless
 *                       given)
 * @param perSample      sample b's unweighted term, in the loss's unit
 * @param outputGradient ∂loss/∂output, the shape of the model's output
 */
public record LossTerms(double loss, double[] perSample, Tensor outputGradient) {

    /**
     * The batch size of a loss's inputs, after checking that there is one timestep (and one weight, when given) per
     * sample.
     */
    static int batchOf(String objective, Tensor x0, int[] t, double[] weights) {
        int batch = x0.dim(0);
        if (t.length != batch || (weights != null && weights.length != batch)) {
            throw new IllegalArgumentException(objective + ": batch " + batch + " but " + t.length + " timesteps"
                    + (weights == null ? "" : " and " + weights.length + " weights"));
        }
        return batch;
    }
}
