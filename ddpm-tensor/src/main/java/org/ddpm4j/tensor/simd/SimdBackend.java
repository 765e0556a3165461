package org.ddpm4j.tensor.simd;

import static org.ddpm4j.tensor.TensorArrays.hostArray;

import java.util.Arrays;
import org.ddpm4j.tensor.AdamCoefficients;
import org.ddpm4j.tensor.AttentionGeometry;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.ChannelConcat;
import org.ddpm4j.tensor.ChannelVector;
import org.ddpm4j.tensor.Conv2dSpec;
import org.ddpm4j.tensor.ConvGeometry;
import org.ddpm4j.tensor.CounterNoise;
import org.ddpm4j.tensor.DropoutMask;
import org.ddpm4j.tensor.MatmulGeometry;
import org.ddpm4j.tensor.OpChecks;
import org.ddpm4j.tensor.PerSample;
import org.ddpm4j.tensor.ShapeCheck;
import org.ddpm4j.tensor.Tensor;
import org.ddpm4j.tensor.TensorArrays;

/**
 * The CPU backend: Vector API kernels ({@code FloatVector.SPECIES_PREFERRED}) on a fixed team of threads.
 * Convolutions and attention run as packed GEMMs ({@link Sgemm}); everything else is a vector loop.
 *
 * <p>Only load this class after checking that {@code jdk.incubator.vector} is in the module graph:
 * {@link org.ddpm4j.tensor.Backends} does that.
 */
public final class SimdBackend implements Backend {
    /**
     * How the 3×3, stride-1, padding-1 convolutions (all but the U-Net's downsampling ones) are computed, forward and
     * backward. Winograd's algorithms take fewer multiply-adds than the direct convolution at a larger rounding error
     * (bounded in {@code WinogradConvolutionTest}); {@code DIRECT} is the implicit-GEMM convolution every other
     * geometry uses. {@code WINOGRAD} picks F(4×4, 3×3) for planes of at least {@value #F4_FROM_SIDE} pixels a side
     * and F(2×2, 3×3) below, where an image is one or two of F(4×4, 3×3)'s tiles a side and its partial tiles waste
     * more than its fewer products save.
     */
    public enum Conv3x3 {
        DIRECT, WINOGRAD, WINOGRAD_F2, WINOGRAD_F4;

        /**
         * The value of the system property {@value #CONV3X3_PROPERTY}, case-insensitive; null or blank gives
         * {@link #DEFAULT_CONV3X3}.
         *
         * @throws IllegalArgumentException naming the property and the accepted values
         */
        public static Conv3x3 parse(String value) {
            if (value == null || value.isBlank()) {
                return DEFAULT_CONV3X3;
            }
            try {
                return valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("system property " + CONV3X3_PROPERTY + " is '" + value
                        + "'; expected one of " + java.util.Arrays.toString(values()) + " (any case)", e);
            }
        }
    }

    /** The default {@link Conv3x3}, unless the system property {@value #CONV3X3_PROPERTY} names another. */
    public static final Conv3x3 DEFAULT_CONV3X3 = Conv3x3.WINOGRAD;
    public static final String CONV3X3_PROPERTY = "ddpm.conv3x3";
    /** The smallest plane side {@link Conv3x3#WINOGRAD} computes with F(4×4, 3×3). */
    public static final int F4_FROM_SIDE = 8;
    /**
     * Winograd's products are GEMMs with the channels as M and K: below this many channels on either side they are
     * too thin to pay for the transforms (the U-Net's image-facing convolutions).
     */
    private static final int WINOGRAD_MIN_CHANNELS = 16;

    private final Parallel parallel;
    private final Conv3x3 conv3x3;
    private final SimdGroupNorm groupNorms;
    private final DirectConvolution direct;

    public SimdBackend(int threads) {
        this(threads, Conv3x3.parse(System.getProperty(CONV3X3_PROPERTY)));
    }

    public SimdBackend(int threads, Conv3x3 conv3x3) {
        this(new Parallel(threads), conv3x3);
    }

    /**
     * A backend that splits every op into the chunks {@code threads} threads would run, but runs them one after another
     * on the calling thread, each timed into {@code spans}: where a step's time would go at a thread count this machine
     * may not have ({@link ChunkSpans}). Its results are the bits a backend of that many threads gives.
     */
    public static SimdBackend serialisingChunks(int threads, Conv3x3 conv3x3, ChunkSpans spans) {
        return new SimdBackend(new Parallel(threads, java.util.Objects.requireNonNull(spans, "spans")), conv3x3);
    }

    private SimdBackend(Parallel parallel, Conv3x3 conv3x3) {
        this.parallel = parallel;
        this.conv3x3 = java.util.Objects.requireNonNull(conv3x3, "conv3x3");
        this.groupNorms = new SimdGroupNorm(parallel);
        this.direct = new DirectConvolution(parallel);
        Warmup.run(this);
    }

    public Conv3x3 conv3x3() {
        return conv3x3;
    }

    @Override
    public String name() {
        return "simd";
    }

    @Override
    public int threads() {
        return parallel.threads();
    }

    @Override
    public String describe() {
        return "simd (" + Sgemm.SPECIES.vectorBitSize() + "-bit vectors, " + threads() + " threads"
                + (parallel.serialises() ? " run one after another" : "") + ", 3x3 convolutions: "
                + conv3x3.name().toLowerCase(java.util.Locale.ROOT) + ", dropout masks: "
                + (CounterDropout.VECTORISED ? "vectors" : "scalar") + ", GEMM tiles " + Sgemm.MR + "x" + Sgemm.NR
                + ")";
    }

    /** Stops the worker threads (they are daemon threads, so this is optional); the backend must not be used afterwards. */
    @Override
    public void shutdown() {
        parallel.shutdown();
    }

    // ---------------------------------------------------------------- convolution

    /** The Winograd transform for this convolution, or null when it is computed directly. */
    private WinogradTransform winogradFor(ConvGeometry g) {
        Conv2dSpec spec = g.spec();
        boolean applies = conv3x3 != Conv3x3.DIRECT && spec.kernel() == WinogradTransform.KERNEL
                && spec.stride() == 1 && spec.padding() == 1 && spec.isSymmetric()
                && g.inChannels() >= WINOGRAD_MIN_CHANNELS && g.outChannels() >= WINOGRAD_MIN_CHANNELS;
        if (!applies) {
            return null;
        }
        return switch (conv3x3) {
            case WINOGRAD_F2 -> WinogradTransform.F2;
            case WINOGRAD_F4 -> WinogradTransform.F4;
            default -> Math.min(g.height(), g.width()) >= F4_FROM_SIDE ? WinogradTransform.F4 : WinogradTransform.F2;
        };
    }

    /**
     * {@code y = x ⋆ w} plus the output's terms (or {@code y += x ⋆ w}) by Winograd: with the transforms vectorised over
     * channels where {@link ChannelVectorWinograd} applies (small planes), else over tiles.
     */
    private void winogradForward(WinogradTransform winograd, int batch, int cin, int cout, int h, int w, float[] x,
                                 float[] weights, boolean transposed, OutputTerms terms, float[] y) {
        if (ChannelVectorWinograd.applies(winograd, batch, cin, cout, h, w, threads())) {
            ChannelVectorWinograd conv = new ChannelVectorWinograd(winograd, batch, cin, cout, h, w, threads());
            conv.forward(parallel, x, conv.kernels(parallel, weights, transposed), terms, y);
            return;
        }
        WinogradConvolution conv = new WinogradConvolution(winograd, batch, cin, cout, h, w, threads());
        conv.forward(parallel, x, conv.kernels(parallel, weights, transposed), terms, y);
    }

    /** A same 3×3 convolution to one channel (the U-Net's output layer): {@link SingleOutputConvolution}. */
    private static boolean isSingleOutput(ConvGeometry g) {
        Conv2dSpec spec = g.spec();
        return g.outChannels() == 1 && spec.kernel() == 3 && spec.stride() == 1 && spec.padding() == 1
                && spec.isSymmetric();
    }

    /** A same 3×3 convolution to a few channels (the output layer on colour images): {@link FewOutputConvolution}. */
    private static boolean isFewOutputs(ConvGeometry g) {
        Conv2dSpec spec = g.spec();
        return FewOutputConvolution.applies(g.outChannels(), g.width()) && spec.kernel() == 3 && spec.stride() == 1
                && spec.padding() == 1 && spec.isSymmetric();
    }

    /** A same 3×3 convolution of one channel (the first layer on grey images): {@link SingleInputConvolution}. */
    private static boolean isSingleInput(ConvGeometry g) {
        Conv2dSpec spec = g.spec();
        return g.inChannels() == 1 && spec.kernel() == 3 && spec.stride() == 1 && spec.padding() == 1
                && spec.isSymmetric();
    }

    @Override
    public void conv2d(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec, Tensor y) {
        ConvGeometry g = ConvGeometry.of("conv2d", x, w, bias, spec, y);
        if (g.batch() == 0) {
            return;
        }
        float[] xd = hostArray(x), wd = hostArray(w), yd = hostArray(y), bd = bias == null ? null : hostArray(bias);
        WinogradTransform winograd = winogradFor(g);
        if (winograd != null) {
            winogradForward(winograd, g.batch(), g.inChannels(), g.outChannels(), g.height(), g.width(), xd, wd,
                    false, OutputTerms.stored(bd, null, null, g.outChannels(), g.outPlane()), yd);
            return;
        }
        if (isSingleOutput(g)) {
            new SingleOutputConvolution(g.batch(), g.inChannels(), g.height(), g.width()).forward(parallel, xd, wd, bd,
                    yd);
            return;
        }
        if (isSingleInput(g)) {
            new SingleInputConvolution(g.batch(), g.outChannels(), g.height(), g.width()).forward(parallel, xd, wd, bd,
                    yd);
            return;
        }
        if (isFewOutputs(g)) {
            new FewOutputConvolution(g.batch(), g.inChannels(), g.outChannels(), g.height(), g.width())
                    .forward(parallel, xd, wd, bd, yd);
            return;
        }
        direct.forward(g, xd, wd, bd, yd);
    }

    /** Winograd's convolutions add the shift and the residual as they write each image's output. */
    @Override
    public void conv2dPlus(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec, Tensor shift, Tensor residual,
                           Tensor y) {
        ConvGeometry g = OpChecks.conv2dPlus(x, w, bias, spec, shift, residual, y);
        WinogradTransform winograd = winogradFor(g);
        if (winograd == null) {
            Backend.super.conv2dPlus(x, w, bias, spec, shift, residual, y);
            return;
        }
        winogradForward(winograd, g.batch(), g.inChannels(), g.outChannels(), g.height(), g.width(), hostArray(x),
                hostArray(w), false, OutputTerms.stored(bias == null ? null : hostArray(bias),
                        shift == null ? null : hostArray(shift), residual == null ? null : hostArray(residual),
                        g.outChannels(), g.outPlane()), hostArray(y));
    }

    @Override
    public void conv2dBackward(Tensor x, Tensor w, Tensor dy, Conv2dSpec spec, Tensor dx, Tensor dw, Tensor dbias) {
        ConvGeometry g = OpChecks.conv2dBackward(x, w, dy, spec, dx, dw, dbias);
        if (g.batch() == 0) {
            // No images add to dw and dbias, and dx has no values.
            return;
        }
        float[] xd = hostArray(x), wd = hostArray(w), dyd = hostArray(dy);
        WinogradTransform winograd = winogradFor(g);
        // A dx zeroed and not yet written gets the Winograd input gradient stored instead of added: no zeros to write.
        boolean storeDx = dx != null && winograd != null && TensorArrays.takePendingZeros(dx);
        float[] dxd = dx == null ? null : storeDx ? hostArray(dx) : accumulator(dx);
        float[] dwd = accumulator(dw), dbd = dbias == null ? null : accumulator(dbias);
        if (winograd != null) {
            winogradBackward(winograd, g, xd, wd, dyd, dxd, !storeDx, dwd, dbd);
            return;
        }
        if (isSingleOutput(g)) {
            new SingleOutputConvolution(g.batch(), g.inChannels(), g.height(), g.width()).backward(parallel, xd, wd,
                    dyd, dxd, dwd, dbd);
            return;
        }
        if (isSingleInput(g)) {
            new SingleInputConvolution(g.batch(), g.outChannels(), g.height(), g.width()).backward(parallel, xd, wd,
                    dyd, dxd, dwd, dbd);
            return;
        }
        if (isFewOutputs(g)) {
            new FewOutputConvolution(g.batch(), g.inChannels(), g.outChannels(), g.height(), g.width())
                    .backward(parallel, xd, wd, dyd, dxd, dwd, dbd);
            return;
        }
        direct.backward(g, xd, wd, dyd, dxd, dwd, dbd);
    }

    /**
     * A same 3×3 convolution's backward by Winograd: the input gradient is the forward of dy by the transposed,
     * flipped kernels, added into dx (or stored with {@code addToDx} false); the weight gradient is the adjoint of the
     * forward's transforms, over channel vectors where {@link ChannelVectorWinograd} applies (small planes), else over
     * tiles.
     */
    private void winogradBackward(WinogradTransform winograd, ConvGeometry g, float[] x, float[] w, float[] dy,
                                  float[] dx, boolean addToDx, float[] dw, float[] dbias) {
        int cin = g.inChannels(), cout = g.outChannels();
        if (dx != null) {
            winogradForward(winograd, g.batch(), cout, cin, g.height(), g.width(), dy, w, true, addToDx
                    ? OutputTerms.added(cin, g.inPlane()) : OutputTerms.stored(null, null, null, cin, g.inPlane()), dx);
        }
        int size = winograd.products() * cout * cin;
        float[] kernelGradients = Workspace.current().get(Workspace.Slot.CALLER_KERNEL_GRADIENTS, size);
        double[] biasGradient = dbias == null ? null : new double[cout];
        if (ChannelVectorWinograd.applies(winograd, g.batch(), cin, cout, g.height(), g.width(), threads())) {
            new ChannelVectorWinograd(winograd, g.batch(), cin, cout, g.height(), g.width(), threads())
                    .weightGradient(parallel, x, dy, kernelGradients, biasGradient);
        } else {
            new WinogradConvolution(winograd, g.batch(), cin, cout, g.height(), g.width(), threads())
                    .weightGradient(parallel, x, dy, kernelGradients, biasGradient);
        }
        winograd.accumulateKernelGradients(parallel, kernelGradients, cout, cin, dw);
        if (dbias != null) {
            for (int o = 0; o < cout; o++) {
                dbias[o] += (float) biasGradient[o];
            }
        }
    }

    // ---------------------------------------------------------------- matrix products

    @Override
    public void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, float alpha, boolean accumulate) {
        MatmulGeometry g = MatmulGeometry.of(a, transA, b, transB, c);
        int m = g.m(), n = g.n(), k = g.k();
        if (g.batch() == 0) {
            // No products to compute, and none to split between the threads.
            return;
        }
        int lda = transA ? m : k, ldb = transB ? k : n;
        // Fewer batch entries than threads: split the columns of C as well, in whole NR strips.
        int splits = Math.max(1, Math.min(Math.ceilDiv(threads(), g.batch()), Math.ceilDiv(n, Sgemm.NR)));
        int colsPerSplit = Math.ceilDiv(Math.ceilDiv(n, splits), Sgemm.NR) * Sgemm.NR;
        long work = (long) m * Math.min(n, colsPerSplit) * k;
        parallel.forRange(g.batch() * splits, work, (start, end) -> {
            for (int item = start; item < end; item++) {
                int bt = item / splits, j0 = (item % splits) * colsPerSplit, cols = Math.min(colsPerSplit, n - j0);
                if (cols <= 0) {
                    continue;
                }
                int bOff = bt * g.strideB() + (transB ? j0 * ldb : j0);
                Sgemm.gemm(transA, transB, m, cols, k, alpha, hostArray(a), bt * g.strideA(), lda, hostArray(b), bOff, ldb,
                        accumulate, hostArray(c), bt * g.strideC() + j0, n);
            }
        });
    }

    // ---------------------------------------------------------------- normalisation

    @Override
    public void groupNorm(Tensor x, Tensor gamma, Tensor beta, int groups, float eps, Tensor y, Tensor mean, Tensor rstd) {
        groupNorms.groupNorm(x, gamma, beta, groups, eps, y, mean, rstd);
    }

    @Override
    public void groupNormSilu(Tensor x, Tensor gamma, Tensor beta, int groups, float eps, Tensor y, Tensor mean,
                              Tensor rstd) {
        groupNorms.groupNormSilu(x, gamma, beta, groups, eps, y, mean, rstd);
    }

    @Override
    public void groupNormBackward(Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dy, int groups,
                                  Tensor dx, Tensor dgamma, Tensor dbeta) {
        groupNorms.groupNormBackward(x, gamma, mean, rstd, dy, groups, dx, dgamma, dbeta);
    }

    @Override
    public void groupNormSiluBackward(Tensor x, Tensor gamma, Tensor beta, int groups, float eps, Tensor mean,
                                      Tensor rstd, Tensor dz, Tensor dx, Tensor dgamma, Tensor dbeta, Tensor work) {
        groupNorms.groupNormSiluBackward(x, gamma, beta, groups, eps, mean, rstd, dz, dx, dgamma, dbeta, work);
    }

    // ---------------------------------------------------------------- activations

    @Override
    public void silu(Tensor x, Tensor y) {
        ShapeCheck.requireSameShape("silu", "x", x, "y", y);
        forElements(x.size(), 20, (off, len) -> VectorOps.silu(hostArray(x), hostArray(y), off, len));
    }

    @Override
    public void siluBackward(Tensor x, Tensor dy, Tensor dx) {
        ShapeCheck.requireSameShape("siluBackward", "x", x, "dy", dy);
        ShapeCheck.requireSameShape("siluBackward", "x", x, "dx", dx);
        forElements(x.size(), 30, (off, len) -> VectorOps.siluBackward(hostArray(x), hostArray(dy), hostArray(dx), off, len));
    }

    @Override
    public void softmax(Tensor x, Tensor y) {
        ShapeCheck.requireSameShape("softmax", "x", x, "y", y);
        ShapeCheck.requireRank("softmax", "x", x, 1);
        int cols = x.dim(-1), rows = cols == 0 ? 0 : x.size() / cols;
        parallel.forRange(rows, 20L * cols, (start, end) -> {
            for (int r = start; r < end; r++) {
                VectorOps.softmaxRow(hostArray(x), hostArray(y), r * cols, cols);
            }
        });
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        ShapeCheck.requireSameShape("softmaxBackward", "y", y, "dy", dy);
        ShapeCheck.requireSameShape("softmaxBackward", "y", y, "dx", dx);
        int cols = y.dim(-1), rows = cols == 0 ? 0 : y.size() / cols;
        parallel.forRange(rows, 4L * cols, (start, end) -> {
            for (int r = start; r < end; r++) {
                VectorOps.softmaxBackwardRow(hostArray(y), hostArray(dy), hostArray(dx), r * cols, cols, 1f);
            }
        });
    }

    // ---------------------------------------------------------------- attention

    @Override
    public void attention(Tensor q, Tensor k, Tensor v, Tensor out, Tensor probs) {
        AttentionGeometry g = AttentionGeometry.of("attention", q, k, v, out, probs);
        int c = g.channels(), t = g.positions();
        float scale = (float) (1.0 / Math.sqrt(c));
        float[] qd = hostArray(q), kd = hostArray(k), vd = hostArray(v), o = hostArray(out), p = hostArray(probs);
        parallel.forRange(g.batch(), (start, end) -> {
            for (int b = start; b < end; b++) {
                int x0 = g.offset(b), p0 = b * t * t;
                // S = QᵀK/√C  (T×C)·(C×T), then softmax per row.
                Sgemm.gemm(true, false, t, t, c, scale, qd, x0, t, kd, x0, t, false, p, p0, t);
                for (int i = 0; i < t; i++) {
                    VectorOps.softmaxRow(p, p, p0 + i * t, t);
                }
                // O = V·Pᵀ  (C×T)·(T×T): out[:, i] = Σ_j P[i,j]·V[:, j]
                Sgemm.gemm(false, true, c, t, t, 1f, vd, x0, t, p, p0, t, false, o, x0, t);
            }
        });
    }

    @Override
    public void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor probs, Tensor dout, Tensor dq, Tensor dk,
            Tensor dv) {
        AttentionGeometry g = OpChecks.attentionBackward(q, k, v, probs, dout, dq, dk, dv);
        int c = g.channels(), t = g.positions();
        float scale = (float) (1.0 / Math.sqrt(c));
        float[] qd = hostArray(q), kd = hostArray(k), vd = hostArray(v), p = hostArray(probs), dO = hostArray(dout);
        float[] dqd = accumulator(dq), dkd = accumulator(dk), dvd = accumulator(dv);
        parallel.forRange(g.batch(), (start, end) -> {
            float[] dS = Workspace.current().get(Workspace.Slot.SCORES, t * t);
            for (int b = start; b < end; b++) {
                int x0 = g.offset(b), p0 = b * t * t;
                // dV += dO·P
                Sgemm.gemm(false, false, c, t, t, 1f, dO, x0, t, p, p0, t, true, dvd, x0, t);
                // dP = dOᵀ·V, then dS = P ⊙ (dP − rowsum(dP ⊙ P)) / √C in place
                Sgemm.gemm(true, false, t, t, c, 1f, dO, x0, t, vd, x0, t, false, dS, 0, t);
                for (int i = 0; i < t; i++) {
                    VectorOps.softmaxGradInPlace(p, p0 + i * t, dS, i * t, t, scale);
                }
                // dQ += K·dSᵀ,  dK += Q·dS
                Sgemm.gemm(false, true, c, t, t, 1f, kd, x0, t, dS, 0, t, true, dqd, x0, t);
                Sgemm.gemm(false, false, c, t, t, 1f, qd, x0, t, dS, 0, t, true, dkd, x0, t);
            }
        });
    }

    // ---------------------------------------------------------------- resampling and layout

    @Override
    public void upsample2x(Tensor x, Tensor y) {
        OpChecks.upsample2x("upsample2x", "x", x, "y", y);
        int h = x.dim(2), w = x.dim(3);
        float[] xd = hostArray(x), yd = hostArray(y);
        parallel.forRange(x.dim(0) * x.dim(1), 4L * h * w, (start, end) -> {
            for (int plane = start; plane < end; plane++) {
                for (int iy = 0; iy < h; iy++) {
                    int src = (plane * h + iy) * w, dst = (plane * 2 * h + 2 * iy) * 2 * w;
                    for (int ix = 0; ix < w; ix++) {
                        float v = xd[src + ix];
                        yd[dst + 2 * ix] = v;
                        yd[dst + 2 * ix + 1] = v;
                    }
                    System.arraycopy(yd, dst, yd, dst + 2 * w, 2 * w);
                }
            }
        });
    }

    @Override
    public void upsample2xBackward(Tensor dy, Tensor dx) {
        OpChecks.upsample2x("upsample2xBackward", "dx", dx, "dy", dy);
        int h = dx.dim(2), w = dx.dim(3);
        // A zeroed dx (the U-Net's, every step) gets the sums stored: its zeros are neither written by one thread
        // first nor read back.
        boolean store = TensorArrays.takePendingZeros(dx);
        float[] dyd = hostArray(dy), dxd = hostArray(dx);
        parallel.forRange(dx.dim(0) * dx.dim(1), 4L * h * w, (start, end) -> {
            for (int plane = start; plane < end; plane++) {
                for (int iy = 0; iy < h; iy++) {
                    int dst = (plane * h + iy) * w, top = (plane * 2 * h + 2 * iy) * 2 * w, bottom = top + 2 * w;
                    for (int ix = 0; ix < w; ix++) {
                        float sum = dyd[top + 2 * ix] + dyd[top + 2 * ix + 1] + dyd[bottom + 2 * ix]
                                + dyd[bottom + 2 * ix + 1];
                        dxd[dst + ix] = store ? sum : dxd[dst + ix] + sum;
                    }
                }
            }
        });
    }

    @Override
    public void concatChannels(Tensor a, Tensor b, Tensor out) {
        ChannelConcat cc = ChannelConcat.of("concatChannels", a, b, out);
        parallel.forRange(cc.batch(), cc.sizeOut(), (start, end) -> {
            for (int n = start; n < end; n++) {
                System.arraycopy(hostArray(a), n * cc.sizeA(), hostArray(out), n * cc.sizeOut(), cc.sizeA());
                System.arraycopy(hostArray(b), n * cc.sizeB(), hostArray(out), n * cc.sizeOut() + cc.sizeA(), cc.sizeB());
            }
        });
    }

    @Override
    public void splitChannelsBackward(Tensor dout, Tensor da, Tensor db) {
        ChannelConcat cc = ChannelConcat.of("splitChannelsBackward", da, db, dout);
        // A part zeroed and not yet written gets its channels copied instead of added.
        boolean storeA = da != null && TensorArrays.takePendingZeros(da);
        boolean storeB = db != null && TensorArrays.takePendingZeros(db);
        float[] out = hostArray(dout), a = da == null ? null : hostArray(da), b = db == null ? null : hostArray(db);
        parallel.forRange(cc.batch(), cc.sizeOut(), (start, end) -> {
            for (int n = start; n < end; n++) {
                if (a != null) {
                    addOrCopy(storeA, out, n * cc.sizeOut(), a, n * cc.sizeA(), cc.sizeA());
                }
                if (b != null) {
                    addOrCopy(storeB, out, n * cc.sizeOut() + cc.sizeA(), b, n * cc.sizeB(), cc.sizeB());
                }
            }
        });
    }

    private static void addOrCopy(boolean copy, float[] src, int srcOff, float[] dst, int dstOff, int len) {
        if (copy) {
            System.arraycopy(src, srcOff, dst, dstOff, len);
        } else {
            VectorOps.addInto(src, srcOff, dst, dstOff, len);
        }
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    public void add(Tensor a, Tensor b, Tensor out) {
        OpChecks.elementwise("add", a, b, out);
        forElements(a.size(), 1, (off, len) -> VectorOps.add(hostArray(a), hostArray(b), hostArray(out), off, len));
    }

    @Override
    public void mul(Tensor a, Tensor b, Tensor out) {
        OpChecks.elementwise("mul", a, b, out);
        forElements(a.size(), 1, (off, len) -> VectorOps.mul(hostArray(a), hostArray(b), hostArray(out), off, len));
    }

    @Override
    public void scale(Tensor a, float s, Tensor out) {
        ShapeCheck.requireSameShape("scale", "a", a, "out", out);
        forElements(a.size(), 1, (off, len) -> VectorOps.scale(hostArray(a), s, hostArray(out), off, len));
    }

    /** Scalar operations per element of an Adam step: a square root and a division among ten. */
    private static final long ADAM_WORK = 30;

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, AdamCoefficients k) {
        OpChecks.adamUpdate(param, grad, m, v);
        float[] w = hostArray(param), g = hostArray(grad), md = hostArray(m), vd = hostArray(v);
        forElements(w.length, ADAM_WORK, (off, len) -> VectorOps.adam(w, g, md, vd, k.stepSize(), k.beta1(),
                k.beta2(), k.invSqrtC2(), k.eps(), off, len));
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        ShapeCheck.requireSameShape("axpy", "x", x, "y", y);
        forElements(x.size(), 1, (off, len) -> VectorOps.axpy(alpha, hostArray(x), hostArray(y), off, len));
    }

    @Override
    public void axpby(float alpha, Tensor x, float beta, Tensor y) {
        ShapeCheck.requireSameShape("axpby", "x", x, "y", y);
        float[] xs = hostArray(x), ys = hostArray(y);
        forElements(x.size(), 2, (off, len) -> VectorOps.linearCombination(alpha, xs, beta, ys, ys, off, len));
    }

    @Override
    public void addProduct(Tensor a, Tensor b, Tensor out) {
        OpChecks.elementwise("addProduct", a, b, out);
        forElements(a.size(), 1, (off, len) -> VectorOps.addProduct(hostArray(a), hostArray(b), hostArray(out), off, len));
    }

    @Override
    public void addChannelVector(Tensor x, Tensor v, Tensor out) {
        ChannelVector cv = ChannelVector.of("addChannelVector", x, v);
        ShapeCheck.requireSameShape("addChannelVector", "x", x, "out", out);
        float[] xv = hostArray(x), vv = hostArray(v), outv = hostArray(out);
        parallel.forRange(cv.batch() * cv.channels(), cv.spatial(), (start, end) -> {
            for (int plane = start; plane < end; plane++) {
                float add = vv[cv.vectorIndex(plane / cv.channels(), plane % cv.channels())];
                VectorOps.addScalar(xv, plane * cv.spatial(), add, outv, plane * cv.spatial(), cv.spatial());
            }
        });
    }

    @Override
    public void addChannelVectorBackward(Tensor dy, Tensor dv) {
        ChannelVector cv = ChannelVector.of("addChannelVectorBackward", dy, dv);
        // One task per channel over all samples, so a shared [C] vector is never written by two threads.
        float[] dyv = hostArray(dy), dvv = hostArray(dv);
        parallel.forRange(cv.channels(), (long) cv.batch() * cv.spatial(), (start, end) -> {
            for (int c = start; c < end; c++) {
                double shared = 0;
                for (int n = 0; n < cv.batch(); n++) {
                    double s = VectorOps.sum(dyv, (n * cv.channels() + c) * cv.spatial(), cv.spatial());
                    if (cv.perSample()) {
                        dvv[n * cv.channels() + c] += (float) s;
                    } else {
                        shared += s;
                    }
                }
                if (!cv.perSample()) {
                    dvv[c] += (float) shared;
                }
            }
        });
    }

    // ---------------------------------------------------------------- dropout

    @Override
    public void gaussianNoise(long seed, Tensor out) {
        float[] o = hostArray(out);
        forElements(o.length, 40, (off, len) -> {
            for (int i = off; i < off + len; i++) {
                o[i] = CounterNoise.gaussian(seed, i);
            }
        });
    }

    @Override
    public void dropout(Tensor x, float p, long seed, Tensor y, Tensor mask) {
        OpChecks.dropout(x, p, y, mask);
        long threshold = DropoutMask.keepThreshold(p);
        float keepScale = 1f / (1f - p);
        float[] xd = hostArray(x), yd = hostArray(y), md = hostArray(mask);
        forElements(x.size(), 10, (off, len) -> CounterDropout.apply(xd, yd, md, off, len,
                DropoutMask.counter(seed, off), threshold, keepScale));
    }

    // ---------------------------------------------------------------- per-sample arithmetic

    @Override
    public void combinePerSample(Tensor x, float[] a, Tensor y, float[] c, Tensor out) {
        int per = PerSample.check("combinePerSample", x, a, y, c, out);
        float[] xv = hostArray(x), yv = hostArray(y), o = hostArray(out);
        forElements(o.length, 3, (off, len) -> {
            for (int i = off, end = off + len; i < end; ) {
                int b = i / per, segmentEnd = Math.min(end, (b + 1) * per);
                VectorOps.linearCombination(a[b], xv, c[b], yv, o, i, segmentEnd - i);
                i = segmentEnd;
            }
        });
    }

    @Override
    public void clamp(Tensor x, float lo, float hi, Tensor out) {
        ShapeCheck.requireSameShape("clamp", "x", x, "out", out);
        float[] xv = hostArray(x), o = hostArray(out);
        forElements(o.length, 1, (off, len) -> VectorOps.clamp(xv, lo, hi, o, off, len));
    }

    // ---------------------------------------------------------------- losses and reductions

    @Override
    public double mseLoss(Tensor pred, Tensor target) {
        ShapeCheck.requireSameShape("mseLoss", "pred", pred, "target", target);
        return reduce(pred.size(), (off, len) -> squaredDistance(hostArray(pred), hostArray(target), off, len)) / pred.size();
    }

    @Override
    public void meanSquaredErrorPerSample(Tensor pred, Tensor target, double[] out) {
        int per = PerSample.checkReduction("meanSquaredErrorPerSample", pred, target, out);
        float[] p = hostArray(pred), q = hostArray(target);
        parallel.forRange(out.length, 2L * per, (from, to) -> {
            for (int b = from; b < to; b++) {
                out[b] = squaredDistance(p, q, b * per, per) / per;
            }
        });
    }

    private static double squaredDistance(float[] a, float[] b, int off, int len) {
        double total = 0;
        for (int blockStart = off; blockStart < off + len; blockStart += REDUCE_BLOCK) {
            int blockLen = Math.min(REDUCE_BLOCK, off + len - blockStart);
            double dot = VectorOps.dot(a, blockStart, a, blockStart, blockLen)
                    - 2 * VectorOps.dot(a, blockStart, b, blockStart, blockLen)
                    + VectorOps.dot(b, blockStart, b, blockStart, blockLen);
            total += dot;
        }
        return total;
    }

    @Override
    public void mseLossBackward(Tensor pred, Tensor target, float gradScale, Tensor dpred) {
        ShapeCheck.requireSameShape("mseLossBackward", "pred", pred, "target", target);
        ShapeCheck.requireSameShape("mseLossBackward", "pred", pred, "dpred", dpred);
        float f = (float) (2.0 * gradScale / pred.size());
        forElements(pred.size(), 2, (off, len) -> {
            VectorOps.axpy(f, hostArray(pred), hostArray(dpred), off, len);
            VectorOps.axpy(-f, hostArray(target), hostArray(dpred), off, len);
        });
    }

    @Override
    public double sum(Tensor x) {
        return reduce(x.size(), (off, len) -> blockedSum(hostArray(x), off, len));
    }

    @Override
    public double sumOfSquares(Tensor x) {
        return reduce(x.size(), (off, len) -> {
            double total = 0;
            for (int b = off; b < off + len; b += REDUCE_BLOCK) {
                total += VectorOps.dot(hostArray(x), b, hostArray(x), b, Math.min(REDUCE_BLOCK, off + len - b));
            }
            return total;
        });
    }

    /** Float lanes sum at most this many elements before the partial goes into a double. */
    private static final int REDUCE_BLOCK = 1024;

    private static double blockedSum(float[] x, int off, int len) {
        double total = 0;
        for (int b = off; b < off + len; b += REDUCE_BLOCK) {
            total += VectorOps.sum(x, b, Math.min(REDUCE_BLOCK, off + len - b));
        }
        return total;
    }

    // ---------------------------------------------------------------- helpers

    @FunctionalInterface
    private interface RangeReduction {
        double apply(int off, int len);
    }

    @FunctionalInterface
    private interface RangeKernel {
        void apply(int off, int len);
    }

    /** Splits [0, size) into blocks of whole vectors across the pool. */
    /**
     * The array of {@code t} for an op that adds into it: zeros that {@link Tensor#zero} left pending are written
     * first, on all threads (the tensor itself would write them on one).
     */
    private float[] accumulator(Tensor t) {
        boolean zeros = TensorArrays.takePendingZeros(t);
        float[] array = hostArray(t);
        if (zeros) {
            forElements(array.length, 1, (off, len) -> Arrays.fill(array, off, off + len, 0f));
        }
        return array;
    }

    private void forElements(int size, long workPerElement, RangeKernel kernel) {
        int blocks = Math.ceilDiv(size, ELEMENT_BLOCK);
        parallel.forRange(blocks, workPerElement * ELEMENT_BLOCK, (start, end) -> {
            int off = start * ELEMENT_BLOCK;
            kernel.apply(off, Math.min(end * ELEMENT_BLOCK, size) - off);
        });
    }

    private double reduce(int size, RangeReduction reduction) {
        int blocks = Math.ceilDiv(size, ELEMENT_BLOCK);
        int chunks = parallel.chunkCount(blocks, ELEMENT_BLOCK);
        double[] partial = new double[Math.max(chunks, 1)];
        parallel.forRange(blocks, ELEMENT_BLOCK, (start, end) -> {
            int off = start * ELEMENT_BLOCK;
            partial[Parallel.chunkStartingAt(start, blocks, chunks)] = reduction.apply(off, Math.min(end * ELEMENT_BLOCK, size) - off);
        });
        double total = 0;
        for (double v : partial) {
            total += v;
        }
        return total;
    }

    /** Elementwise work is handed out in blocks of this many elements (a multiple of every vector length). */
    private static final int ELEMENT_BLOCK = 4096;
}
