package org.ddpm4j.tensor.simd;

/**
 * One chunk's weight gradient sums of 3×3 kernels between single planes, the backward of the one-channel
 * convolutions ({@link SingleInputConvolution}, {@link SingleOutputConvolution}): kernel k's nine taps summed over
 * the pairs of planes {@link #add added} for it. The sums stay in vector lanes across the chunk's planes and are
 * added up in double once, by {@link #total}; {@link #addInto} adds the chunks' totals in chunk order, so the result
 * depends only on the thread count.
 */
final class KernelGradientSums {
    private final float[] lanes;
    private final double[] sums;

    /** Sums for {@code kernels} kernels of {@link VectorOps#TAPS} taps, all zero. */
    KernelGradientSums(int kernels) {
        this.lanes = new float[kernels * VectorOps.TAPS * VectorOps.VL];
        this.sums = new double[kernels * VectorOps.TAPS];
    }

    /**
     * Adds to kernel k's taps the products of a dy plane ({@code rows × len} from {@code off}) with the nine shifts
     * of the input plane in {@code lines}: rows + 2 padded lines of len + 2, line i holding input row i − 1.
     */
    void add(int k, float[] lines, float[] dy, int off, int rows, int len) {
        VectorOps.nineTapSums(lines, dy, off, rows, len, lanes, k * VectorOps.TAPS * VectorOps.VL, sums,
                k * VectorOps.TAPS);
    }

    /** The chunk's sums, kernel k's taps from {@code k·TAPS}; call once, after the last {@link #add}. */
    double[] total() {
        for (int i = 0; i < sums.length; i++) {
            sums[i] += VectorOps.sum(lanes, i * VectorOps.VL, VectorOps.VL);
        }
        return sums;
    }

    /** {@code dw[i] +=} the chunks' totals of sum i, added in chunk order. */
    static void addInto(double[][] chunkTotals, float[] dw) {
        for (int i = 0; i < dw.length; i++) {
            double sum = 0;
            for (double[] total : chunkTotals) {
                sum += total[i];
            }
            dw[i] += (float) sum;
        }
    }
}
