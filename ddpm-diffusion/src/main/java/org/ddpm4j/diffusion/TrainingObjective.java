package org.ddpm4j.diffusion;

import java.util.Map;
import java.util.random.RandomGenerator;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.nn.ForwardContext;
import org.ddpm4j.tensor.Tensor;

/**
 * What a {@link org.ddpm4j.diffusion.train.Trainer} optimises: a diffusion process's loss on a batch. The objective
 * draws the noise, runs the model forward and returns the loss with its gradient with respect to the model's output
 * ({@link LossTerms}); the caller runs the model's backward. It computes on the model's backend.
 * {@link GaussianDiffusion} and {@link BinomialDiffusion} are the two.
 */
public interface TrainingObjective {

    /** T: training timesteps are drawn from [0, T). */
    int steps();

    /**
     * One batch's loss at the given timesteps: draws the noise from {@code rng} and runs the model forward.
     *
     * @param x0      a batch of data, {@code [B, ...]}
     * @param t       one timestep per sample, in [0, T)
     * @param weights one weight per sample for the loss's mean (the importance weights of non-uniform timesteps), or
     *                null for the plain mean
     * @param labels  class labels (one per sample) or null
     */
    LossTerms loss(Denoiser model, Tensor x0, int[] t, double[] weights, int[] labels, RandomGenerator rng,
                   ForwardContext ctx);

    /** {@link #loss} at timesteps drawn uniformly from {@code rng} (Algorithm 1), unweighted. */
    default LossTerms loss(Denoiser model, Tensor x0, int[] labels, RandomGenerator rng, ForwardContext ctx) {
        int[] t = new int[x0.dim(0)];
        for (int i = 0; i < t.length; i++) {
            t[i] = rng.nextInt(steps());
        }
        return loss(model, x0, t, null, labels, rng, ctx);
    }

    /**
     * Whether the per-sample terms are terms of the variational bound, so that drawing t in proportion to them and
     * weighting by 1/(T·p(t)) estimates the same bound with less variance (Nichol &amp; Dhariwal 2021, Eq. 18).
     */
    default boolean supportsImportanceSampling() {
        return false;
    }

    /**
     * Everything needed to rebuild this objective, as checkpoint metadata: a checkpoint records it so that
     * {@code ddpm sample} and {@code ddpm eval} reload the model with the diffusion it was trained with.
     */
    Map<String, String> checkpointMetadata();
}
