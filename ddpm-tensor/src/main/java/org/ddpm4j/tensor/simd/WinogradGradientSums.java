package org.ddpm4j.tensor.simd;

import java.util.Arrays;

/**
 * The sums of a Winograd weight gradient over blocks of tiles: each chunk of blocks (one per thread) sums its
 * α² × Cout × Cin gradient matrices and its bias gradient privately, then the chunks' sums are added in chunk order,
 * so the result depends only on the thread count, not on which thread ran which block.
 */
final class WinogradGradientSums {
    /** One block's share: adds its gradient matrices into {@code partials[offset..]} and its bias gradient. */
    @FunctionalInterface
    interface BlockGradient {
        void add(int block, float[] partials, int offset, double[] biasPartial);
    }

    private WinogradGradientSums() {
    }

    /**
     * Writes the gradient matrices of all {@code blocks} into {@code kernelGradients} ({@code size} floats) and adds
     * the bias gradient ({@code outChannels}) into {@code biasGradient} when it is not null.
     */
    static void sum(Parallel parallel, int blocks, int size, int outChannels, BlockGradient block,
                    float[] kernelGradients, double[] biasGradient) {
        int chunks = parallel.chunkCount(blocks, Long.MAX_VALUE), pitch = Parallel.slicePitch(size);
        float[] partials = Workspace.current().get(Workspace.Slot.CALLER_PARTIALS, chunks * pitch);
        double[][] biasPartials = new double[chunks][];
        parallel.forRange(blocks, (start, end) -> {
            int chunk = Parallel.chunkStartingAt(start, blocks, chunks);
            Arrays.fill(partials, chunk * pitch, chunk * pitch + size, 0f);
            // Allocated by the thread that runs the chunk, as Parallel asks of partial sums.
            double[] bias = new double[outChannels];
            biasPartials[chunk] = bias;
            for (int b = start; b < end; b++) {
                block.add(b, partials, chunk * pitch, bias);
            }
        });
        parallel.forRange(size, chunks, (start, end) -> {
            System.arraycopy(partials, start, kernelGradients, start, end - start);
            for (int c = 1; c < chunks; c++) {
                VectorOps.addInto(partials, c * pitch + start, kernelGradients, start, end - start);
            }
        });
        addChunkSums(biasPartials, biasGradient);
    }

    /** {@code into += } each chunk's sums, in chunk order; nothing when {@code into} is null. */
    static void addChunkSums(double[][] chunkSums, double[] into) {
        if (into == null) {
            return;
        }
        for (double[] chunk : chunkSums) {
            for (int i = 0; i < into.length; i++) {
                into[i] += chunk[i];
            }
        }
    }
}
