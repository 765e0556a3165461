package org.ddpm4j.tensor.simd;

import java.util.Arrays;

/**
 * The forward of a 3×3, stride-1, padding-1 convolution to fewer output channels than a GEMM micro-tile has rows: the
 * U-Net's last layer on colour images, which maps its features to the three channels of the predicted noise (six
 * with a learned variance). As a GEMM its M would be the output channels: the implicit GEMM packs nine floats of every
 * input value's neighbourhood to use each only that many times, and its micro-kernel fills three of its eight rows.
 * Here three output channels at a time are summed in registers, two vectors of a row at once, over every input
 * channel's nine taps, and stored once.
 *
 * <p>The taps read padded lines {@code L[i] = x[r][i − 1]} (a zero at each end) of three input rows per channel:
 * output row r reads padded lines r, r + 1 and r + 2, where padded line p is input row p − 1 and lines 0 and H + 1
 * are zeros. A task keeps three such lines per input channel and refills the oldest for each next row, so every input
 * row is copied once per group of three output channels.
 */
final class FewOutputConvolution {
    /** Output channels summed together: an RGB image's. */
    static final int GROUP = 3;
    private static final int KERNEL = 3, TAPS = KERNEL * KERNEL, LINES = 3;

    private final int batch, inChannels, outChannels, height, width, pitch;

    FewOutputConvolution(int batch, int inChannels, int outChannels, int height, int width) {
        if (!applies(outChannels, width)) {
            throw new IllegalArgumentException("few-output convolution needs 2 to " + (Sgemm.MR - 1)
                    + " output channels and rows of at least " + VectorOps.VL + " values, got " + outChannels
                    + " channels of width " + width);
        }
        this.batch = batch;
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.height = height;
        this.width = width;
        this.pitch = width + 2;
    }

    /**
     * Whether this computes the forward: more than one output channel (one is {@link SingleOutputConvolution}'s),
     * fewer than {@link Sgemm#MR}, and rows of at least one vector.
     */
    static boolean applies(int outChannels, int width) {
        return outChannels > 1 && outChannels < Sgemm.MR && width >= VectorOps.VL;
    }

    /** {@code y = x ⋆ w + bias} ({@code bias} may be null) for x {@code [N, Cin, H, W]}, w {@code [Cout, Cin, 3, 3]}. */
    void forward(Parallel parallel, float[] x, float[] w, float[] bias, float[] y) {
        int groups = Math.ceilDiv(outChannels, GROUP);
        float[] weights = groupWeights(w);
        parallel.forRange(batch * groups, 2L * TAPS * GROUP * inChannels * height * width, (start, end) -> {
            // Zeroed once: the lines' padding columns stay zero, as only their values are copied in.
            int size = LINES * inChannels * pitch;
            float[] lines = Workspace.current().get(Workspace.Slot.PADDED_LINES, size);
            Arrays.fill(lines, 0, size, 0f);
            float[] rows = new float[GROUP * width];
            for (int item = start; item < end; item++) {
                convolveGroup(item / groups, item % groups, x, weights, bias, lines, rows, y);
            }
        });
    }

    /**
     * The weights of each group of three output channels, input channel by input channel and tap by tap, the three
     * channels' weights of a tap side by side: {@code [group][Cin][9][3]}, zeros for the channels past the last.
     */
    private float[] groupWeights(float[] w) {
        int groups = Math.ceilDiv(outChannels, GROUP);
        float[] grouped = new float[groups * inChannels * TAPS * GROUP];
        for (int o = 0; o < outChannels; o++) {
            for (int c = 0; c < inChannels; c++) {
                for (int t = 0; t < TAPS; t++) {
                    grouped[(((o / GROUP) * inChannels + c) * TAPS + t) * GROUP + o % GROUP] =
                            w[(o * inChannels + c) * TAPS + t];
                }
            }
        }
        return grouped;
    }

    private void convolveGroup(int n, int group, float[] x, float[] weights, float[] bias, float[] lines,
                               float[] rows, float[] y) {
        int plane = height * width, first = group * GROUP, count = Math.min(GROUP, outChannels - first);
        float b0 = biasOf(bias, first), b1 = biasOf(bias, first + 1), b2 = biasOf(bias, first + 2);
        int wOff = group * inChannels * TAPS * GROUP;
        fillLine(x, n, 0, lines);
        fillLine(x, n, 1, lines);
        for (int r = 0; r < height; r++) {
            fillLine(x, n, r + 2, lines);
            int top = slot(r), mid = slot(r + 1), low = slot(r + 2);
            for (int j = 0; j < width; j += 2 * VectorOps.VL) {
                // The last vectors of a row end at its end (overlapping the ones before them when the row is not a
                // whole number of vector pairs).
                int a = Math.min(j, width - VectorOps.VL), b = Math.min(j + VectorOps.VL, width - VectorOps.VL);
                VectorOps.convolve3x3ThreeChannels(lines, top, mid, low, pitch, inChannels, weights, wOff, a, b,
                        b0, b1, b2, rows, width);
            }
            for (int k = 0; k < count; k++) {
                System.arraycopy(rows, k * width, y, ((n * outChannels + first + k) * height + r) * width, width);
            }
        }
    }

    private float biasOf(float[] bias, int o) {
        return bias == null || o >= outChannels ? 0f : bias[o];
    }

    /** Where padded line p's slot starts: channel c's line is {@code pitch·c} further. */
    private int slot(int p) {
        return (p % LINES) * inChannels * pitch;
    }

    /** Padded line p of image n for every input channel into its slot: input row p − 1, or zeros at the border. */
    private void fillLine(float[] x, int n, int p, float[] lines) {
        int at = slot(p), row = p - 1;
        if (row < 0 || row >= height) {
            Arrays.fill(lines, at, at + inChannels * pitch, 0f);
            return;
        }
        for (int c = 0; c < inChannels; c++) {
            VectorOps.copy(x, ((n * inChannels + c) * height + row) * width, lines, at + c * pitch + 1, width);
        }
    }
}
