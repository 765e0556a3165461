package org.ddpm4j.diffusion.train;

import org.ddpm4j.diffusion.TrainingObjective;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.nn.ModelConfig;

/**
 * Where a training step's gradient comes from: the {@link Trainer} asks for the gradient of the step's global batch,
 * then clips it and applies Adam and the EMA itself. {@link LocalGradients} computes the micro-batches in this
 * process; a distributed implementation (the Spark one in {@code org.ddpm4j.diffusion.spark}) has workers compute
 * them on their shards of the data.
 */
public interface GradientReduction {
    /** Micro-batches per step; micro-batch k draws from shard k of the data. */
    int microBatches();

    /**
     * Writes the gradient of {@code step}'s global batch (the mean over its samples) into {@code model}'s parameter
     * gradients and returns the batch's mean loss. Called with the model locked, at the weights of the step.
     *
     * @param config the model's configuration, from which a worker can build a replica
     * @param data   the whole training set
     */
    double gradient(long step, Denoiser model, TrainingObjective objective, ModelConfig config, Dataset data,
                    BatchRecipe recipe);
}
