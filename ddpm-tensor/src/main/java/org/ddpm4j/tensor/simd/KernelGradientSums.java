package org.ddpm4j.tensor.simd;

/**
 * One chunk's weight gradient sums of 3×3 kernels between single planes, the backward of the one-channel and
 * few-output convolutions ({@link SingleInputConvolution}, {@link SingleOutputConvolution},
 * {@link FewOutputConvolution}): kernel k's nine taps summed over the pairs of planes {@link #add added} for it. The
 * sums stay in vector lanes across the chunk's planes and are added up in double once, by {@link #total};
 * {@link #addInto} adds the chunks' totals in chunk order, so the result depends only on the thread count.
 */
final class KernelGradientSums {
    /** Zeros past either operand's last padded plane that {@link #add}'s last vector reads: a vector, two taps. */
    static final int SLACK = VectorOps.VL + 2;
    private final float[] lanes;
    private final double[] sums;

    /** Sums for {@code kernels} kernels of {@link VectorOps#TAPS} taps, all zero. */
    KernelGradientSums(int kernels) {
        this.lanes = new float[kernels * VectorOps.TAPS * VectorOps.VL];
        this.sums = new double[kernels * VectorOps.TAPS];
    }

    /**
     * Adds to kernel k's taps the products of a padded dy plane with the nine shifts of the padded input plane:
     * {@code lines} holds rows + 2 lines of {@code pitch} (line i is input row i − 1, after a zero), and dy's
     * {@code rows} rows of {@code pitch} from {@code dyOff} each end in two zeros, so that both are read as one run
     * ({@link VectorOps#nineTapSums}). Each array holds {@link #SLACK} zeros past its last plane.
     */
    void add(int k, float[] lines, float[] dyLines, int dyOff, int rows, int pitch) {
        int count = Math.ceilDiv(rows * pitch, VectorOps.VL) * VectorOps.VL;
        VectorOps.nineTapSums(lines, dyLines, dyOff, count, pitch, lanes, k * VectorOps.TAPS * VectorOps.VL);
    }

    /** The chunk's sums, kernel k's taps from {@code k·TAPS}; call once, after the last {@link #add}. */
    double[] total() {
        for (int i = 0; i < sums.length; i++) {
            sums[i] += VectorOps.sum(lanes, i * VectorOps.VL, VectorOps.VL);
        }
        return sums;
    }

    /** {@code dw[i] +=} the chunks' totals of sum i, added in chunk order (a bias gradient's sums too). */
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
