package org.ddpm4j.diffusion;

import java.util.random.RandomGenerator;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.nn.ForwardContext;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/**
 * What a {@link org.ddpm4j.diffusion.train.Trainer} optimises: a diffusion process's loss on a batch, drawing the
 * timesteps and the noise itself and adding the loss's gradients to the model's parameters.
 * {@link GaussianDiffusion} and {@link BinomialDiffusion} are the two.
 */
public interface TrainingObjective {

    /**
     * One training step's loss: draws timesteps and noise from {@code rng}, runs the model and its backward.
     *
     * @param x0     a batch of data, {@code [B, ...]}
     * @param labels class labels (one per sample) or null
     * @return the batch's loss (its unit is the process's: see its documentation)
     */
    double trainingLoss(Denoiser model, Tensor x0, int[] labels, RandomGenerator rng, ForwardContext ctx);

    /** The backend the loss is computed on (the trainer clips gradients on it too). */
    Backend backend();
}
