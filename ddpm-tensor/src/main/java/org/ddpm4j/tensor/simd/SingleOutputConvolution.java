package org.ddpm4j.tensor.simd;

import java.util.Arrays;

/**
 * A 3×3, stride-1, padding-1 convolution to a single output channel: the U-Net's last layer, which maps its features
 * to the noise predicted for a one-channel image. As a GEMM its M would be 1: the implicit GEMM unrolls nine floats
 * of every input value's neighbourhood to use each once, and its micro-kernel fills one of its rows. Here every input
 * row is read once per pass, copied into a line with a zero at each end (the padding), and each kernel row adds it,
 * shifted by its three taps, into the output row it reaches.
 *
 * <p>With the padded line {@code L[i] = x[r][i − 1]}: the forward adds {@code w[kh][0]·L[j] + w[kh][1]·L[j + 1] +
 * w[kh][2]·L[j + 2]} into output row {@code r + 1 − kh}; the input gradient, from the padded lines of dy, adds the
 * taps in reverse order into row {@code o + kh − 1}; the weight gradient is the dot products of dy's plane with the
 * nine shifts of the padded input plane.
 */
final class SingleOutputConvolution {
    private static final int KERNEL = 3, TAPS = KERNEL * KERNEL;

    private final int batch, channels, height, width;

    SingleOutputConvolution(int batch, int channels, int height, int width) {
        this.batch = batch;
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    /**
     * The plane's {@code height} rows of {@code width} values from {@code off}, each into its line of
     * {@code lines} (lines of width + 2, the first from {@code linesOff}) after one zero; the lines' ends stay as
     * they were, zero in a new array.
     */
    static void padRows(float[] plane, int off, int height, int width, float[] lines, int linesOff) {
        for (int r = 0; r < height; r++) {
            VectorOps.copy(plane, off + r * width, lines, linesOff + r * (width + 2) + 1, width);
        }
    }

    /** {@code y = x ⋆ w + bias} for x {@code [N, C, H, W]}, w {@code [1, C, 3, 3]}, y {@code [N, 1, H, W]}. */
    void forward(Parallel parallel, float[] x, float[] w, float[] bias, float[] y) {
        int plane = height * width;
        parallel.forRange(batch, 2L * TAPS * channels * plane, (start, end) -> {
            float[] line = new float[width + 2];
            for (int n = start; n < end; n++) {
                int out = n * plane;
                Arrays.fill(y, out, out + plane, bias == null ? 0f : bias[0]);
                for (int c = 0; c < channels; c++) {
                    int in = (n * channels + c) * plane;
                    for (int r = 0; r < height; r++) {
                        VectorOps.copy(x, in + r * width, line, 1, width);
                        for (int kh = 0; kh < KERNEL; kh++) {
                            int o = r + 1 - kh, k = c * TAPS + kh * KERNEL;
                            if (o >= 0 && o < height) {
                                VectorOps.addThreeTaps(line, 0, w[k], w[k + 1], w[k + 2], y, out + o * width, width);
                            }
                        }
                    }
                }
            }
        });
    }

    /**
     * {@code dx += Wᵀ ⋆ dy} when dx is not null, {@code dw +=} and {@code dbias +=} (when not null). The weight
     * gradient reads each input plane's padded lines against the dy plane's once for all nine taps
     * ({@link KernelGradientSums}); it and the bias gradient are summed per chunk of images and the chunks added in
     * order, so the result depends only on the thread count.
     */
    void backward(Parallel parallel, float[] x, float[] w, float[] dy, float[] dx, float[] dw, float[] dbias) {
        int plane = height * width;
        int chunks = parallel.chunkCount(batch, Long.MAX_VALUE);
        double[][] dwTotals = new double[chunks][];
        double[] dbPartials = new double[chunks];
        int lineLength = width + 2;
        parallel.forRange(batch, (start, end) -> {
            int chunk = Parallel.chunkStartingAt(start, batch, chunks);
            KernelGradientSums taps = new KernelGradientSums(channels);
            // xLines has a zero line above and below the plane as well: padded line i is image row i − 1.
            float[] dyLines = new float[height * lineLength + KernelGradientSums.SLACK];
            float[] xLines = new float[(height + 2) * lineLength + KernelGradientSums.SLACK];
            // Summed here and stored once, as Parallel asks of partial sums.
            double db = 0;
            for (int n = start; n < end; n++) {
                int gradOut = n * plane;
                db += VectorOps.sum(dy, gradOut, plane);
                padRows(dy, gradOut, height, width, dyLines, 0);
                for (int c = 0; c < channels; c++) {
                    int in = (n * channels + c) * plane;
                    padRows(x, in, height, width, xLines, lineLength);
                    // dy's row r from 1 + r·lineLength, each ending in the next line's zeros.
                    taps.add(c, xLines, dyLines, 1, height, lineLength);
                    if (dx == null) {
                        continue;
                    }
                    for (int r = 0; r < height; r++) {
                        for (int kh = 0; kh < KERNEL; kh++) {
                            int o = r + 1 - kh, k = c * TAPS + kh * KERNEL;
                            if (o >= 0 && o < height) {
                                VectorOps.addThreeTaps(dyLines, o * lineLength, w[k + 2], w[k + 1], w[k], dx,
                                        in + r * width, width);
                            }
                        }
                    }
                }
            }
            dwTotals[chunk] = taps.total();
            dbPartials[chunk] = db;
        });
        KernelGradientSums.addInto(dwTotals, dw);
        if (dbias != null) {
            double sum = 0;
            for (double partial : dbPartials) {
                sum += partial;
            }
            dbias[0] += (float) sum;
        }
    }
}
