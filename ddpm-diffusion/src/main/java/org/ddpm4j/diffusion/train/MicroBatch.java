package org.ddpm4j.diffusion.train;

import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.ddpm4j.diffusion.LossTerms;
import org.ddpm4j.diffusion.TrainingObjective;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.data.RandomFlips;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.nn.ForwardContext;
import org.ddpm4j.nn.Parameter;
import org.ddpm4j.tensor.Seeds;
import org.ddpm4j.tensor.Tensor;

/**
 * One micro-batch of a training step (Algorithm 1's lines 2–5): its samples drawn from its shard of the data, the
 * loss, and the loss's gradient backpropagated into the model. Every draw comes from a generator seeded by the step
 * and the micro-batch's rank alone, so whoever computes micro-batch k of step s (this process, or a worker holding
 * only shard k) draws the same samples, timesteps, noise and dropout masks.
 */
public final class MicroBatch {
    private MicroBatch() {
    }

    /**
     * The seed of micro-batch {@code rank}'s draws in {@code step}: (seed, step) for an undivided batch, as training
     * has always drawn, so that older runs resume exactly; (seed, step, rank) otherwise.
     */
    static long seed(BatchRecipe recipe, long step, int rank) {
        long stepSeed = Seeds.derive(recipe.seed(), step);
        return recipe.microBatches() == 1 ? stepSeed : Seeds.derive(stepSeed, rank);
    }

    /**
     * Draws micro-batch {@code rank} of {@code step} from {@code shard} (the data's shard {@code rank}, see
     * {@link ShardedDataset}), zeroes the model's gradients and backpropagates the micro-batch's mean loss.
     *
     * @param timesteps importance-sampled timesteps to draw from and record into, or null for uniform ones
     * @return the loss terms of the micro-batch
     */
    public static LossTerms backward(Denoiser model, TrainingObjective objective, Dataset shard, BatchRecipe recipe,
                                     long step, int rank, LossAwareTimesteps timesteps) {
        SplittableRandom rng = new SplittableRandom(seed(recipe, step, rank));
        int size = recipe.microBatchSize(rank);
        int[] indices = new int[size];
        for (int i = 0; i < size; i++) {
            indices[i] = rng.nextInt(shard.size());
        }
        Tensor x0 = shard.batch(indices);
        if (recipe.flips()) {
            RandomFlips.flipSomeHorizontally(x0, rng);
        }
        int[] labels = null;
        if (recipe.conditional()) {
            labels = new int[size];
            for (int i = 0; i < size; i++) {
                // Classifier-free guidance: drop the label (use the "no class" row) with probability p_uncond.
                labels[i] = rng.nextDouble() < recipe.labelDropout() ? shard.numClasses() : shard.label(indices[i]);
            }
        }
        model.zeroGrad();
        ForwardContext ctx = ForwardContext.training(rng.nextLong());
        LossTerms terms;
        if (timesteps == null) {
            terms = objective.loss(model, x0, labels, rng, ctx);
        } else {
            int[] t = new int[size];
            double[] weights = new double[size];
            timesteps.draw(rng, t, weights);
            terms = objective.loss(model, x0, t, weights, labels, rng, ctx);
            timesteps.record(t, terms.perSample());
        }
        model.backward(terms.outputGradient());
        return terms;
    }

    /**
     * Backpropagates micro-batches {@code from} to {@code to − 1} of {@code step} one after the other, each from its
     * shard, and returns their gradients summed in rank order, each weighted by its share of the global batch. The
     * model's gradients are left as the last micro-batch's.
     *
     * @param shards the data's shard of each rank ({@link ShardedDataset})
     * @throws IllegalArgumentException when the range is empty
     */
    public static GradientSum accumulate(Denoiser model, TrainingObjective objective, IntFunction<Dataset> shards,
                                         BatchRecipe recipe, long step, int from, int to) {
        if (to <= from) {
            throw new IllegalArgumentException("no micro-batches to accumulate: ranks " + from + " to " + (to - 1));
        }
        GradientSum sum = null;
        for (int rank = from; rank < to; rank++) {
            double loss = backward(model, objective, shards.apply(rank), recipe, step, rank, null).loss();
            float[] g = FlatParameters.concatenate(model.parameters(), Parameter::grad);
            if (sum == null) {
                sum = new GradientSum(g.length);
            }
            sum.add(g, loss, recipe.share(rank));
        }
        return sum;
    }
}
