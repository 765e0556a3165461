package org.ddpm4j.diffusion.train;

import java.io.Serializable;

/**
 * How a training step draws its samples: the global batch of {@code batchSize} samples, split into
 * {@code microBatches} micro-batches, and the per-sample randomness (flips, label dropout). A value, so that a
 * distributed trainer can send it to its workers, which then draw exactly what a single process would.
 *
 * @param batchSize    samples per step, over all micro-batches
 * @param microBatches micro-batches per step (1: the whole batch at once); micro-batch k draws from shard k of the
 *                     data ({@link ShardedDataset})
 * @param flips        random horizontal flips
 * @param conditional  whether the model gets class labels
 * @param labelDropout p_uncond of classifier-free guidance
 * @param seed         the seed of everything random in training
 */
public record BatchRecipe(int batchSize, int microBatches, boolean flips, boolean conditional, double labelDropout,
                          long seed) implements Serializable {

    /**
     * @throws IllegalArgumentException when there are fewer samples than micro-batches, or no micro-batch
     */
    public BatchRecipe {
        if (microBatches < 1 || batchSize < microBatches) {
            throw new IllegalArgumentException("a batch of " + batchSize + " cannot be split into " + microBatches
                    + " micro-batches: each needs at least one sample");
        }
    }

    /** Samples in micro-batch {@code k}: the batch split as evenly as it goes, the first ones one larger. */
    public int microBatchSize(int k) {
        return batchSize / microBatches + (k < batchSize % microBatches ? 1 : 0);
    }

    /** Micro-batch {@code k}'s weight in the step's mean: its samples over the batch's. */
    public double share(int k) {
        return (double) microBatchSize(k) / batchSize;
    }
}
