package org.ddpm4j.tensor.simd;

import java.util.Arrays;

/**
 * A 3×3, stride-1, padding-1 convolution to fewer output channels than a GEMM micro-tile has rows: the U-Net's last
 * layer on colour images, which maps its features to the three channels of the predicted noise (six with a learned
 * variance). As a GEMM its M would be the output channels: the implicit GEMM packs nine floats of every input value's
 * neighbourhood to use each only that many times, and its micro-kernel fills three of its eight rows. Here four
 * output channels at a time are summed in registers, two vectors of a row at once, over every input channel's nine
 * taps ({@link VectorOps#correlate3x3FourChannels}), and stored once with their bias.
 *
 * <p>The taps read padded lines {@code L[i] = x[r][i − 1]} (a zero at each end) of three input rows per channel:
 * output row r reads padded lines r, r + 1 and r + 2, where padded line p is input row p − 1 and lines 0 and H + 1
 * are zeros. A task keeps three such lines per input channel and refills the oldest for each next row, so every input
 * row is copied once per group of four output channels. The backward reads padded planes the same way: the input
 * gradient is the same kernel over the few dy planes with the kernels turned by 180°, four input channels at a time,
 * the weight gradient {@link SingleOutputConvolution}'s for each pair of channels.
 */
final class FewOutputConvolution {
    /** Channels whose rows are summed together (outputs forward, inputs for the input gradient). */
    private static final int GROUP = 4;
    private static final int KERNEL = 3, TAPS = KERNEL * KERNEL, LINES = 3, VL = VectorOps.VL;

    private final int batch, inChannels, outChannels, height, width, pitch;

    FewOutputConvolution(int batch, int inChannels, int outChannels, int height, int width) {
        if (!applies(outChannels, width)) {
            throw new IllegalArgumentException("few-output convolution needs 2 to " + (Sgemm.MR - 1)
                    + " output channels and rows of at least " + VL + " values, got " + outChannels
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
        return outChannels > 1 && outChannels < Sgemm.MR && width >= VL;
    }

    /** {@code y = x ⋆ w + bias} ({@code bias} may be null): x {@code [N, Cin, H, W]}, w {@code [Cout, Cin, 3, 3]}. */
    void forward(Parallel parallel, float[] x, float[] w, float[] bias, float[] y) {
        int groups = Math.ceilDiv(outChannels, GROUP);
        float[] weights = groupedKernels(w, false);
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
     * {@code dx += Wᵀ ⋆ dy} when dx is not null, {@code dw +=} and {@code dbias +=} (when not null), one task per
     * chunk of images. Each image's dy planes are padded once; the input gradient of channel c sums, over the output
     * channels, their padded lines correlated with {@code w[o][c]} turned by 180°, a row of four channels and two
     * vectors at a time, and adds the rows into dx. The weight gradient of each (output, input) channel pair is the
     * dot products of the padded dy plane with the nine shifts of the padded input plane, each plane read as one run
     * ({@link KernelGradientSums#add}). Both are summed per chunk and the chunks added in order, so the result
     * depends only on the thread count.
     */
    void backward(Parallel parallel, float[] x, float[] w, float[] dy, float[] dx, float[] dw, float[] dbias) {
        int plane = height * width, padded = (height + 2) * pitch;
        int chunks = parallel.chunkCount(batch, Long.MAX_VALUE);
        double[][] dwTotals = new double[chunks][], dbPartials = new double[chunks][];
        float[] turned = dx == null ? null : groupedKernels(w, true);
        parallel.forRange(batch, (start, end) -> {
            int chunk = Parallel.chunkStartingAt(start, batch, chunks);
            // Allocated by the thread that runs the chunk, as Parallel asks of partial sums.
            double[] dbp = new double[outChannels];
            dbPartials[chunk] = dbp;
            KernelGradientSums taps = new KernelGradientSums(outChannels * inChannels);
            // Planes with a zero line above and below as well: padded line i is image row i − 1. Past the last, the
            // zeros that the weight gradient's last vectors read.
            float[] xLines = new float[padded + KernelGradientSums.SLACK];
            float[] dyLines = new float[outChannels * padded + KernelGradientSums.SLACK];
            float[] rows = dx == null ? null : new float[GROUP * width];
            for (int n = start; n < end; n++) {
                for (int o = 0; o < outChannels; o++) {
                    int gradOut = (n * outChannels + o) * plane;
                    dbp[o] += VectorOps.sum(dy, gradOut, plane);
                    SingleOutputConvolution.padRows(dy, gradOut, height, width, dyLines, o * padded + pitch);
                }
                for (int c = 0; c < inChannels; c++) {
                    SingleOutputConvolution.padRows(x, (n * inChannels + c) * plane, height, width, xLines, pitch);
                    for (int o = 0; o < outChannels; o++) {
                        // dy's row r from o·padded + pitch + 1 + r·pitch: its zero padding ends each row.
                        taps.add(o * inChannels + c, xLines, dyLines, o * padded + pitch + 1, height, pitch);
                    }
                }
                if (dx != null) {
                    addInputGradient(n, turned, dyLines, rows, dx);
                }
            }
            dwTotals[chunk] = taps.total();
        });
        KernelGradientSums.addInto(dwTotals, dw);
        if (dbias != null) {
            KernelGradientSums.addInto(dbPartials, dbias);
        }
    }

    /** {@code dx[n] +=} the correlations of image n's padded dy planes, four input channels' rows at a time. */
    private void addInputGradient(int n, float[] turned, float[] dyLines, float[] rows, float[] dx) {
        int padded = (height + 2) * pitch;
        for (int c0 = 0; c0 < inChannels; c0 += GROUP) {
            int count = Math.min(GROUP, inChannels - c0), wOff = c0 * outChannels * TAPS;
            for (int r = 0; r < height; r++) {
                int top = r * pitch;
                for (int j = 0; j < width; j += 2 * VL) {
                    int a = Math.min(j, width - VL), b = Math.min(j + VL, width - VL);
                    VectorOps.correlate3x3FourChannels(dyLines, top, top + pitch, top + 2 * pitch, padded,
                            outChannels, turned, wOff, a, b, rows, width);
                }
                for (int k = 0; k < count; k++) {
                    VectorOps.addInto(rows, k * width, dx, ((n * inChannels + c0 + k) * height + r) * width, width);
                }
            }
        }
    }

    /**
     * The kernels in groups of four channels, by output channel ({@code [Cout/4][Cin][9][4]}) for the forward, or
     * with {@code inputGradient} by input channel and turned by 180° ({@code [Cin/4][Cout][9][4]}): a group's four
     * weights of a tap side by side, zeros for the channels past the last.
     */
    private float[] groupedKernels(float[] w, boolean inputGradient) {
        int grouped = inputGradient ? inChannels : outChannels, others = inputGradient ? outChannels : inChannels;
        float[] kernels = new float[Math.ceilDiv(grouped, GROUP) * GROUP * others * TAPS];
        for (int o = 0; o < outChannels; o++) {
            for (int c = 0; c < inChannels; c++) {
                int m = inputGradient ? c : o, other = inputGradient ? o : c;
                for (int t = 0; t < TAPS; t++) {
                    kernels[(((m / GROUP) * others + other) * TAPS + t) * GROUP + m % GROUP] =
                            w[(o * inChannels + c) * TAPS + (inputGradient ? TAPS - 1 - t : t)];
                }
            }
        }
        return kernels;
    }

    private void convolveGroup(int n, int group, float[] x, float[] weights, float[] bias, float[] lines,
                               float[] rows, float[] y) {
        int first = group * GROUP, count = Math.min(GROUP, outChannels - first);
        int wOff = group * inChannels * TAPS * GROUP;
        fillLine(x, n, 0, lines);
        fillLine(x, n, 1, lines);
        for (int r = 0; r < height; r++) {
            fillLine(x, n, r + 2, lines);
            for (int j = 0; j < width; j += 2 * VL) {
                // The last vectors of a row end at its end (overlapping the ones before them when the row is not a
                // whole number of vector pairs).
                int a = Math.min(j, width - VL), b = Math.min(j + VL, width - VL);
                VectorOps.correlate3x3FourChannels(lines, slot(r), slot(r + 1), slot(r + 2), pitch, inChannels,
                        weights, wOff, a, b, rows, width);
            }
            for (int k = 0; k < count; k++) {
                VectorOps.addScalar(rows, k * width, bias == null ? 0f : bias[first + k], y,
                        ((n * outChannels + first + k) * height + r) * width, width);
            }
        }
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
