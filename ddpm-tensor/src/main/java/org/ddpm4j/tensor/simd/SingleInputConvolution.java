package org.ddpm4j.tensor.simd;

/**
 * A 3×3, stride-1, padding-1 convolution of a single input channel: the U-Net's first layer on one-channel images.
 * Every input row is copied into a line with a zero at each end (the padding), {@code L[i] = x[r][i − 1]}, so that
 * each tap reads a whole row of outputs from one line at a fixed shift. The forward forms each output channel's plane
 * from the nine shifted lines of its image, one store per output: as a GEMM of depth 9 it had packed B and stored
 * whole tiles of C for nine products each. As in {@link SingleOutputConvolution}, the weight gradient of output
 * channel o is the dot products of its dy plane with the nine shifts of the padded input plane, and the input
 * gradient adds each channel's padded dy rows, the taps in reverse order, into row {@code o + kh − 1}.
 */
final class SingleInputConvolution {
    private static final int KERNEL = 3, TAPS = KERNEL * KERNEL;

    private final int batch, channels, height, width, lineLength;

    /** The backward of a convolution of [batch, 1, height, width] images to {@code channels} output channels. */
    SingleInputConvolution(int batch, int channels, int height, int width) {
        this.batch = batch;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.lineLength = width + 2;
    }

    /**
     * {@code y = x ⋆ w + bias} ({@code bias} may be null): one item per (image, output channel), in memory order, so
     * that a task pads each of its images once and writes its output planes one after another.
     */
    void forward(Parallel parallel, float[] x, float[] w, float[] bias, float[] y) {
        int plane = height * width;
        parallel.forRange(batch * channels, 2L * TAPS * plane, (start, end) -> {
            // The input plane with a zero line above and below it as well: padded line i is image row i − 1.
            float[] xLines = new float[(height + 2) * lineLength];
            int padded = -1;
            for (int item = start; item < end; item++) {
                int n = item / channels, o = item % channels;
                if (n != padded) {
                    SingleOutputConvolution.padRows(x, n * plane, height, width, xLines, lineLength);
                    padded = n;
                }
                VectorOps.convolve3x3(xLines, lineLength, height, width, w, o * TAPS, bias == null ? 0f : bias[o], y,
                        item * plane);
            }
        });
    }

    /**
     * {@code dx += Wᵀ ⋆ dy} when dx is not null, {@code dw +=} and {@code dbias +=} (when not null), in one pass over
     * dy in memory order: one task per chunk of images, which owns their dx. Each dy plane is padded once, and its
     * padded lines serve all nine taps ({@link KernelGradientSums}) and the input gradient; the plane is read again,
     * from L1, for the bias. Both sums are per chunk and the chunks added in order, so the result depends only on the
     * thread count.
     */
    void backward(Parallel parallel, float[] x, float[] w, float[] dy, float[] dx, float[] dw, float[] dbias) {
        int plane = height * width;
        int chunks = parallel.chunkCount(batch, Long.MAX_VALUE);
        double[][] dwTotals = new double[chunks][], dbPartials = new double[chunks][];
        parallel.forRange(batch, (start, end) -> {
            int chunk = Parallel.chunkStartingAt(start, batch, chunks);
            // Allocated by the thread that runs the chunk, as Parallel asks of partial sums.
            double[] dbp = new double[channels];
            dbPartials[chunk] = dbp;
            KernelGradientSums taps = new KernelGradientSums(channels);
            // The input plane with a zero line above and below it as well: padded line i is image row i − 1.
            float[] xLines = new float[(height + 2) * lineLength + KernelGradientSums.SLACK];
            float[] dyLines = new float[height * lineLength + KernelGradientSums.SLACK];
            for (int n = start; n < end; n++) {
                SingleOutputConvolution.padRows(x, n * plane, height, width, xLines, lineLength);
                for (int o = 0; o < channels; o++) {
                    int gradOut = (n * channels + o) * plane;
                    SingleOutputConvolution.padRows(dy, gradOut, height, width, dyLines, 0);
                    // dy's row r from 1 + r·lineLength, each ending in the next line's zeros.
                    taps.add(o, xLines, dyLines, 1, height, lineLength);
                    dbp[o] += VectorOps.sum(dy, gradOut, plane);
                    if (dx != null) {
                        addInputGradient(w, o, dyLines, dx, n * plane);
                    }
                }
            }
            dwTotals[chunk] = taps.total();
        });
        KernelGradientSums.addInto(dwTotals, dw);
        if (dbias != null) {
            KernelGradientSums.addInto(dbPartials, dbias);
        }
    }

    /** {@code dx[n] +=} dy[n, o] (its padded lines) convolved with w[o] flipped: taps in reverse. */
    private void addInputGradient(float[] w, int o, float[] dyLines, float[] dx, int in) {
        for (int r = 0; r < height; r++) {
            for (int kh = 0; kh < KERNEL; kh++) {
                int row = r + 1 - kh, k = o * TAPS + kh * KERNEL;
                if (row >= 0 && row < height) {
                    VectorOps.addThreeTaps(dyLines, row * lineLength, w[k + 2], w[k + 1], w[k], dx, in + r * width,
                            width);
                }
            }
        }
    }
}
