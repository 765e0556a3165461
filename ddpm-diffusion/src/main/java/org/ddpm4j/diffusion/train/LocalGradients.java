package org.ddpm4j.diffusion.train;

import org.ddpm4j.diffusion.TrainingObjective;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.nn.ModelConfig;
import org.ddpm4j.nn.Parameter;

/**
 * The step's gradient computed in this process: the whole batch at once, or {@code microBatches} micro-batches one
 * after the other, their gradients summed in rank order (gradient accumulation: a batch larger than memory allows,
 * and the single-process twin of a distributed run with that many workers).
 */
public final class LocalGradients implements GradientReduction {
    private final int microBatches;

    /**
     * @throws IllegalArgumentException when {@code microBatches} is below 1
     */
    public LocalGradients(int microBatches) {
        if (microBatches < 1) {
            throw new IllegalArgumentException("micro-batches must be at least 1, got " + microBatches);
        }
        this.microBatches = microBatches;
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
        GradientSum sum = null;
        for (int k = 0; k < microBatches; k++) {
            double loss = MicroBatch.backward(model, objective, new ShardedDataset(data, k, microBatches), recipe,
                    step, k, null).loss();
            float[] g = FlatParameters.concatenate(model.parameters(), Parameter::grad);
            if (sum == null) {
                sum = new GradientSum(g.length);
            }
            sum.add(g, loss, recipe.share(k));
        }
        sum.writeTo(model.parameters());
        return sum.loss();
    }
}
