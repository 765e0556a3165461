package org.ddpm4j.diffusion.train;

import org.ddpm4j.diffusion.TrainingObjective;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.nn.ModelConfig;

/**
 * The step's gradient computed in this process: the whole batch at once, or {@code microBatches} micro-batches one
 * after the other (gradient accumulation: a batch larger than memory allows). It is also the single-process twin of a
 * distributed run: with {@code groups} workers each accumulating {@code microBatches / groups} consecutive
 * micro-batches, each group is summed on its own and the groups' sums are added in rank order, as the driver adds the
 * workers' sums, so the twin gives the same bits.
 */
public final class LocalGradients implements GradientReduction {
    private final int microBatches;
    private final int groups;

    /** {@code microBatches} micro-batches summed one after the other (one group). */
    public LocalGradients(int microBatches) {
        this(microBatches, 1);
    }

    /**
     * @param microBatches micro-batches per step
     * @param groups       runs of consecutive micro-batches summed on their own first (a distributed twin's workers)
     * @throws IllegalArgumentException when a count is below 1 or {@code groups} does not divide {@code microBatches}
     */
    public LocalGradients(int microBatches, int groups) {
        if (microBatches < 1 || groups < 1 || microBatches % groups != 0) {
            throw new IllegalArgumentException("micro-batches must be at least 1 and a multiple of the groups, got "
                    + microBatches + " micro-batches in " + groups + " groups");
        }
        this.microBatches = microBatches;
        this.groups = groups;
    }

    @Override
    public int microBatches() {
        return microBatches;
    }

    @Override
    public double gradient(long step, Denoiser model, TrainingObjective objective, ModelConfig config, Dataset data,
                           BatchRecipe recipe) {
        if (microBatches == 1) {
            return MicroBatch.backward(model, objective, data, recipe, step, 0, null).loss();
        }
        int perGroup = microBatches / groups;
        GradientSum sum = null;
        for (int g = 0; g < groups; g++) {
            GradientSum part = MicroBatch.accumulate(model, objective, rank -> new ShardedDataset(data, rank,
                    microBatches), recipe, step, g * perGroup, (g + 1) * perGroup);
            if (sum == null) {
                sum = new GradientSum(part.length());
            }
            sum.add(part);
        }
        sum.writeTo(model.parameters());
        return sum.loss();
    }
}
