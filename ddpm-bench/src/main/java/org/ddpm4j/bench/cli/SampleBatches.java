package org.ddpm4j.bench.cli;

import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.random.RandomGenerator;
import org.ddpm4j.diffusion.sample.Sampler;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.tensor.Tensor;

/**
 * Draws many samples a batch at a time: the U-Net keeps every activation of the batch it runs (and guidance doubles
 * the batch), so a thousand images in one call would need gigabytes. The batches draw from one random stream in
 * turn, so one batch of all the samples gives the same images as an unbatched call with the same seed.
 */
final class SampleBatches {
    /** The commands' default: a batch of 100 32×32 images runs in a few hundred MB. */
    static final int DEFAULT_BATCH = 100;

    private SampleBatches() {
    }

    /**
     * Samples of {@code shape} [N, ...] in batches of at most {@code batch}, with {@code labels} (one per sample, or
     * null); {@code beforeBatch} is told each batch's index before it runs.
     */
    static Tensor draw(Sampler sampler, Denoiser model, int[] shape, int[] labels, RandomGenerator rng, int batch,
            IntConsumer beforeBatch) {
        int n = shape[0];
        int per = Arrays.stream(shape, 1, shape.length).reduce(1, Math::multiplyExact);
        float[] all = new float[Math.multiplyExact(n, per)];
        for (int from = 0, index = 0; from < n; from += batch, index++) {
            int to = Math.min(n, from + batch);
            int[] chunkShape = shape.clone();
            chunkShape[0] = to - from;
            beforeBatch.accept(index);
            Tensor x = sampler.sample(model, chunkShape, labels == null ? null : Arrays.copyOfRange(labels, from, to), rng);
            System.arraycopy(x.toArray(), 0, all, from * per, x.size());
        }
        return Tensor.of(all, shape);
    }

    static Tensor draw(Sampler sampler, Denoiser model, int[] shape, int[] labels, RandomGenerator rng, int batch) {
        return draw(sampler, model, shape, labels, rng, batch, index -> { });
    }
}
