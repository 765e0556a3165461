package org.ddpm4j.tensor.opencl;

/**
 * How a convolution's weight gradient is cut along its inner dimension. That product, {@code dW = dY·im2col(x)ᵀ}, is
 * small (Cout × Cin·k·k) and deep (N·Ho·Wo): one work group per 32×32 tile of dW gives a 64→64 3×3 convolution 36
 * groups, each walking 32 768 inner steps alone at batch 32, on a GPU with a hundred or more compute units. Cut
 * into {@link #splits} slices of {@link #depth} steps, each slice's tiles run as their own groups and write a
 * partial dW; a second pass adds the partials into dW in slice order, so the result does not depend on scheduling.
 *
 * @param splits slices of the inner dimension (1: no cut, the tiles add into dW directly)
 * @param depth  inner steps per slice, a whole number of {@link ImplicitGemmKernel#DEPTH} panels so that no staged
 *               panel straddles two slices; the last slice may be shorter
 */
record WeightGradientSplit(int splits, int depth) {
    /** Work groups wanted per compute unit: enough to hide each group's waits on memory behind the others'. */
    static final int GROUPS_PER_COMPUTE_UNIT = 4;
    /** The shallowest slice worth its partial's write and the second pass: 16 staged panels. */
    static final int MIN_DEPTH = 16 * ImplicitGemmKernel.DEPTH;

    /**
     * The cut for a weight gradient of {@code m×n} (Cout × Cin·k·k) over {@code k} inner steps, in tiles of
     * {@code tile}×{@code tile}, on a device with {@code computeUnits}: no cut when the tiles alone fill the device or
     * the product is too shallow.
     */
    static WeightGradientSplit of(int m, int n, int k, int computeUnits, int tile) {
        int tiles = Math.ceilDiv(m, tile) * Math.ceilDiv(n, tile);
        int wanted = Math.ceilDiv(GROUPS_PER_COMPUTE_UNIT * Math.max(1, computeUnits), tiles);
        int splits = Math.max(1, Math.min(wanted, k / MIN_DEPTH));
        if (splits == 1) {
            return new WeightGradientSplit(1, k);
        }
        int depth = Math.ceilDiv(Math.ceilDiv(k, splits), ImplicitGemmKernel.DEPTH) * ImplicitGemmKernel.DEPTH;
        return new WeightGradientSplit(Math.ceilDiv(k, depth), depth);
    }

    /** Floats of the partial dW's: one m×n slice per split. */
    long partialSize(int m, int n) {
        return (long) splits * m * n;
    }
}
