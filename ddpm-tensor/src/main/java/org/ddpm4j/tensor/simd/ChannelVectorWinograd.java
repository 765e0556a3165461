package org.ddpm4j.tensor.simd;

import static org.ddpm4j.tensor.simd.VectorOps.VL;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The forward pass and the weight gradient of a 3×3, stride-1, padding-1 convolution by Winograd's F(m×m, 3×3)
 * ({@link WinogradTransform}) with its transforms vectorised over channels instead of over tiles: for small planes,
 * where {@link WinogradConvolution}'s lines of tiles are a vector or two long and its per-row copies and border fixes
 * cost more than its GEMMs. Like that class's forward, the forward also serves as the input gradient.
 *
 * <p>Each image is transposed to pixel-major order (a pixel's channels contiguous) inside a zero border, so that a
 * tile's α×α window is α² runs of all channels at fixed offsets. Bᵀ d B then runs on those runs, VL channels per
 * vector, and writes row t of {@code Vᵀ_ξ} (tiles × Cin) for every ξ. The α² GEMMs compute
 * {@code M_ξᵀ = Vᵀ_ξ·U_ξᵀ} (tiles × Cout), and Aᵀ M A runs on M's rows, again over channels, into a pixel-major
 * output that is transposed back into planes, where the output's terms are added ({@link OutputTerms}). The
 * transposes are VL×VL blocks in registers. The weight gradient transforms dy's tiles by A (the output transform's
 * adjoint) the same way into {@code M̄ᵀ_ξ} (tiles × Cout) and sums {@code dU_ξ = M̄ᵀ_ξᵀ·Vᵀ_ξ} over the tiles.
 */
final class ChannelVectorWinograd {
    /**
     * Floats of a block's V and M together: {@link WinogradConvolution}'s budget, so that a block's GEMM operands stay
     * in a core's L2 (each V_ξ is packed just before its GEMM, into a buffer of one).
     */
    private static final int BLOCK_FLOATS = WinogradConvolution.BLOCK_FLOATS;
    /**
     * The weight gradient is split by its products instead of by images when the threads' partial sums outweigh the
     * batch's transformed tiles by this much. Split by images, each thread sums its own α² × Cout × Cin partial
     * gradients over its tiles, zeroed first and added up after; split by products, the batch's α² × tiles ×
     * (Cin + Cout) transformed tiles are shared through memory instead (docs/benchmarks.md, "Work and span").
     */
    static final int PARTIALS_OVER_TILES = 2;
    /** Ranges of the products' split at least this many times the thread count, so that the last ones even out. */
    private static final int PRODUCT_ITEMS_PER_THREAD = 4;

    private final WinogradTransform t;
    private final int batch, inChannels, outChannels, height, width, tilesX, tilesPerImage;
    private final List<Block> blocks;
    /** Whether the weight gradient is split by products ({@link #PARTIALS_OVER_TILES}). */
    private final boolean gradientByProducts;
    /** Rows of Cout (whole micro-tiles) in each block of a product's weight gradient, when split by products. */
    private final int gradientRows;

    /** Images [n0, n0 + images), all their tiles. */
    private record Block(int n0, int images) {
    }

    /**
     * Whether this path can run the convolution and is the faster one: whole tiles, whole vectors of channels and of
     * pixels, whole GEMM strips of output channels, register transposes on this machine's vectors, an image for every
     * thread, and an image's V and M in at most half a block. An image is never split between blocks here, so a larger
     * one would spill its operands and its pixel-major copies out of L2 (on the U-Net's 64-channel 32×32
     * convolutions {@link WinogradConvolution}, which splits images by tile rows, is then the faster).
     */
    static boolean applies(WinogradTransform t, int batch, int inChannels, int outChannels, int height, int width,
                           int threads) {
        return LaneTranspose.supports(VL) && inChannels % VL == 0 && outChannels % Sgemm.NR == 0
                && height % t.m == 0 && width % t.m == 0 && height * width % VL == 0 && batch >= threads
                && imageFloats(t, inChannels, outChannels, height, width) <= BLOCK_FLOATS / 2;
    }

    /** Floats of one image's V and M. */
    private static long imageFloats(WinogradTransform t, int inChannels, int outChannels, int height, int width) {
        return (long) t.products() * (height / t.m) * (width / t.m) * (inChannels + outChannels);
    }

    ChannelVectorWinograd(WinogradTransform t, int batch, int inChannels, int outChannels, int height, int width,
                          int threads) {
        if (!applies(t, batch, inChannels, outChannels, height, width, threads)) {
            throw new IllegalArgumentException("channel-vector Winograd does not apply to N" + batch + " "
                    + inChannels + "->" + outChannels + " " + height + "x" + width + " on " + threads + " threads");
        }
        this.t = t;
        this.batch = batch;
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.height = height;
        this.width = width;
        this.tilesX = width / t.m;
        this.tilesPerImage = (height / t.m) * tilesX;
        this.blocks = plan((int) (BLOCK_FLOATS / imageFloats(t, inChannels, outChannels, height, width)), threads);
        long partials = (long) threads * outChannels * inChannels;
        long transformed = (long) batch * tilesPerImage * (inChannels + outChannels);
        this.gradientByProducts = threads > 1 && partials >= PARTIALS_OVER_TILES * transformed;
        int rowBlocks = Math.min(outChannels / Sgemm.MR,
                Math.ceilDiv(PRODUCT_ITEMS_PER_THREAD * threads, t.products()));
        this.gradientRows = Sgemm.MR * Math.ceilDiv(outChannels / Sgemm.MR, rowBlocks);
    }

    /** Each thread's even share of the batch, cut into as many blocks of at most {@code perBlock} images. */
    private List<Block> plan(int perBlock, int threads) {
        List<Block> plan = new ArrayList<>();
        int parts = Math.ceilDiv(Math.ceilDiv(batch, threads), perBlock);
        for (int thread = 0; thread < threads; thread++) {
            int first = batch * thread / threads, count = batch * (thread + 1) / threads - first;
            for (int part = 0; part < parts; part++) {
                int start = first + count * part / parts, end = first + count * (part + 1) / parts;
                if (end > start) {
                    plan.add(new Block(start, end - start));
                }
            }
        }
        return plan;
    }

    /** Whether {@link #weightGradient} splits by products ({@link #PARTIALS_OVER_TILES}) rather than by images. */
    boolean splitsGradientByProducts() {
        return gradientByProducts;
    }

    /**
     * The transformed kernels {@code U_ξᵀ} (Cin × Cout) of [out, in, 3, 3] weights, or with {@code forInputGradient}
     * of the forward convolution's [in, out, 3, 3] weights transposed and flipped, each in {@link Sgemm#gemmPrepacked}'s
     * B layout: NR-column strips of output channels, input channel by input channel.
     */
    float[] kernels(Parallel parallel, float[] w, boolean forInputGradient) {
        float[] packed = Workspace.current().get(Workspace.Slot.CALLER_PACKED_WEIGHTS,
                t.products() * outChannels * inChannels);
        t.transformKernelsPacked(parallel, w, outChannels, inChannels, forInputGradient, packed);
        return packed;
    }

    /** {@code y = x ⋆ k} plus the output's terms, or {@code y += x ⋆ k} ({@link OutputTerms}). */
    void forward(Parallel parallel, float[] x, float[] kernels, OutputTerms terms, float[] y) {
        parallel.forRange(blocks.size(), (start, end) -> {
            for (int bi = start; bi < end; bi++) {
                forwardBlock(blocks.get(bi), x, kernels, terms, y);
            }
        });
    }

    private void forwardBlock(Block b, float[] x, float[] kernels, OutputTerms terms, float[] y) {
        Workspace ws = Workspace.current();
        int tiles = b.images() * tilesPerImage, products = t.products();
        float[] v = transformInputs(b, x, ws);
        float[] m = ws.get(Workspace.Slot.WINOGRAD_PRODUCTS, products * tiles * outChannels);
        float[] packed = ws.get(Workspace.Slot.PACK_A, Sgemm.PackedA.size(tiles, inChannels));
        for (int xi = 0; xi < products; xi++) {
            Sgemm.PackedA a = Sgemm.PackedA.pack(false, tiles, inChannels, v, xi * tiles * inChannels, inChannels,
                    packed);
            Sgemm.gemmPrepacked(a, outChannels, kernels, xi * inChannels * outChannels, m,
                    xi * tiles * outChannels, outChannels);
        }
        Passes output = outputPasses(tiles);
        for (int i = 0; i < b.images(); i++) {
            transformOutput(m, output, i * tilesPerImage, b.n0() + i, terms, y, ws);
        }
    }

    /**
     * The α² gradient matrices {@code dU_ξ = Σ_tiles M̄_ξ ⊗ V_ξ} (the adjoint of {@link #forward}'s products, with
     * {@code M̄ = A dy Aᵀ} per tile), written into {@code kernelGradients} (α² × Cout × Cin), and the bias gradient
     * added into {@code biasGradient} when it is not null: {@link WinogradConvolution#weightGradient}'s result, with
     * the transforms over channels.
     */
    void weightGradient(Parallel parallel, float[] x, float[] dy, float[] kernelGradients, double[] biasGradient) {
        if (gradientByProducts) {
            weightGradientByProducts(parallel, x, dy, kernelGradients, biasGradient);
            return;
        }
        WinogradGradientSums.sum(parallel, blocks.size(), t.products() * outChannels * inChannels, outChannels,
                (block, partials, offset, biasPartial) -> weightGradientBlock(blocks.get(block), x, dy, partials,
                        offset, biasPartial),
                kernelGradients, biasGradient);
    }

    /**
     * {@link #weightGradient} in two ranges: every image's tiles transformed, by images, into {@code Vᵀ_ξ} and
     * {@code M̄ᵀ_ξ} over the whole batch (shared, in the caller's workspace), then each {@code dU_ξ} in blocks of
     * output channels, a product over all the batch's tiles at once: no partial sums, and the kernel gradients the
     * same bits on any number of threads (the bias gradient's sums are still added chunk by chunk).
     */
    private void weightGradientByProducts(Parallel parallel, float[] x, float[] dy, float[] kernelGradients,
                                          double[] biasGradient) {
        int tiles = batch * tilesPerImage, products = t.products(), inputFloats = products * tiles * inChannels;
        float[] shared = Workspace.current().get(Workspace.Slot.CALLER_TRANSFORMED_TILES,
                inputFloats + products * tiles * outChannels);
        Passes input = inputPasses(tiles), adjoint = outputAdjointPasses(tiles);
        int chunks = parallel.chunkCount(batch, Long.MAX_VALUE);
        double[][] biasPartials = new double[chunks][];
        parallel.forRange(batch, (start, end) -> {
            Workspace ws = Workspace.current();
            // Allocated by the thread that runs the chunk, as Parallel asks of partial sums.
            double[] bias = new double[outChannels];
            biasPartials[Parallel.chunkStartingAt(start, batch, chunks)] = bias;
            for (int n = start; n < end; n++) {
                transformInput(x, n, input, shared, n * tilesPerImage, ws);
                transformGradient(dy, n, adjoint, shared, inputFloats, n * tilesPerImage, bias, ws);
            }
        });
        int rows = gradientRows, rowBlocks = Math.ceilDiv(outChannels, rows);
        parallel.forRange(products * rowBlocks, (start, end) -> {
            for (int item = start; item < end; item++) {
                int xi = item / rowBlocks, o0 = item % rowBlocks * rows, count = Math.min(rows, outChannels - o0);
                // dU_ξ = M̄ᵀ_ξᵀ·Vᵀ_ξ over all tiles, rows [o0, o0 + count).
                Sgemm.gemm(true, false, count, inChannels, tiles, 1f, shared, inputFloats + xi * tiles * outChannels
                        + o0, outChannels, shared, xi * tiles * inChannels, inChannels, false, kernelGradients,
                        (xi * outChannels + o0) * inChannels, inChannels);
            }
        });
        WinogradGradientSums.addChunkSums(biasPartials, biasGradient);
    }

    private void weightGradientBlock(Block b, float[] x, float[] dy, float[] partials, int partialOff,
                                     double[] biasPartial) {
        Workspace ws = Workspace.current();
        int tiles = b.images() * tilesPerImage, products = t.products();
        float[] v = transformInputs(b, x, ws);
        float[] mBar = ws.get(Workspace.Slot.WINOGRAD_PRODUCTS, products * tiles * outChannels);
        Passes adjoint = outputAdjointPasses(tiles);
        for (int i = 0; i < b.images(); i++) {
            transformGradient(dy, b.n0() + i, adjoint, mBar, 0, i * tilesPerImage, biasPartial, ws);
        }
        // dU_ξ += M̄ᵀ_ξᵀ·Vᵀ_ξ: (Cout × tiles)·(tiles × Cin), both stored tile by tile.
        for (int xi = 0; xi < products; xi++) {
            Sgemm.gemm(true, false, outChannels, inChannels, tiles, 1f, mBar, xi * tiles * outChannels, outChannels,
                    v, xi * tiles * inChannels, inChannels, true, partials, partialOff + xi * outChannels * inChannels,
                    inChannels);
        }
    }

    /**
     * Rows {@code t0 ..} of every {@code M̄ᵀ_ξ} (at {@code mBarOff + ξ·tiles·Cout}) from image n's output gradient:
     * {@code M̄(i, l) = Σ_a Σ_bb Aᵀ[a][i] Aᵀ[bb][l] dy[a][bb]} over each tile's m×m outputs, all output channels at
     * once; and each channel's sum of dy added into {@code biasPartial}.
     */
    private void transformGradient(float[] dy, int n, Passes passes, float[] mBar, int mBarOff, int t0,
                                   double[] biasPartial, Workspace ws) {
        int m = t.m, alpha = t.alpha, plane = height * width, c = outChannels, source = n * c * plane;
        for (int o = 0; o < c; o++) {
            biasPartial[o] += VectorOps.sum(dy, source + o * plane, plane);
        }
        float[] pixels = ws.get(Workspace.Slot.WINOGRAD_LINES, plane * c);
        for (int group = 0; group < c; group += VL) {
            LaneTranspose.transpose(VL, plane / VL, dy, source + group * plane, VL, plane, pixels, group, VL * c, c);
        }
        float[] stage = ws.get(Workspace.Slot.WINOGRAD_STAGE, m * alpha * c);
        for (int tile = 0; tile < tilesPerImage; tile++) {
            int ty = tile / tilesX, tx = tile % tilesX;
            passes.rows().apply(pixels, (m * ty * width + m * tx) * c, stage, 0, c);
            passes.columns().apply(stage, 0, mBar, mBarOff + (t0 + tile) * c, c);
        }
    }

    /** Every {@code Vᵀ_ξ} (tiles × Cin, at {@code ξ·tiles·Cin}) of a block's images, in the workspace. */
    private float[] transformInputs(Block b, float[] x, Workspace ws) {
        int tiles = b.images() * tilesPerImage;
        float[] v = ws.get(Workspace.Slot.WINOGRAD_INPUT, t.products() * tiles * inChannels);
        Passes input = inputPasses(tiles);
        for (int i = 0; i < b.images(); i++) {
            transformInput(x, b.n0() + i, input, v, i * tilesPerImage, ws);
        }
        return v;
    }

    /**
     * Rows {@code t0 ..} of every {@code Vᵀ_ξ} (ξ = i·α + l, at {@code ξ·tiles·Cin}) from image n:
     * {@code V(i, l) = Σ_k Σ_q Bᵀ[i][k] Bᵀ[l][q] d[k][q]} over the tile's window d, all input channels at once.
     */
    private void transformInput(float[] x, int n, Passes passes, float[] v, int t0, Workspace ws) {
        int m = t.m, alpha = t.alpha, paddedWidth = width + 2, plane = height * width, c = inChannels;
        // The buffers are the slots of WinogradConvolution's stages, which never run at the same time on a thread.
        float[] padded = ws.get(Workspace.Slot.WINOGRAD_GRIDS, (height + 2) * paddedWidth * c);
        int source = n * c * plane;
        if (width % VL == 0) {
            // Rows of whole vectors: transposed straight into their place inside the border.
            for (int row = 0; row < height; row++) {
                for (int group = 0; group < c; group += VL) {
                    LaneTranspose.transpose(VL, width / VL, x, source + group * plane + row * width, VL, plane,
                            padded, ((row + 1) * paddedWidth + 1) * c + group, VL * c, c);
                }
            }
        } else {
            float[] pixels = ws.get(Workspace.Slot.WINOGRAD_LINES, plane * c);
            for (int group = 0; group < c; group += VL) {
                LaneTranspose.transpose(VL, plane / VL, x, source + group * plane, VL, plane, pixels, group, VL * c,
                        c);
            }
            for (int row = 0; row < height; row++) {
                System.arraycopy(pixels, row * width * c, padded, ((row + 1) * paddedWidth + 1) * c, width * c);
            }
        }
        // The border: the top row, each row's right and the next row's left column, the bottom row.
        Arrays.fill(padded, 0, (paddedWidth + 1) * c, 0f);
        for (int row = 0; row < height; row++) {
            int right = ((row + 1) * paddedWidth + 1 + width) * c;
            Arrays.fill(padded, right, right + 2 * c, 0f);
        }
        Arrays.fill(padded, ((height + 1) * paddedWidth + 1) * c, (height + 2) * paddedWidth * c, 0f);
        float[] stage = ws.get(Workspace.Slot.WINOGRAD_STAGE, alpha * alpha * c);
        for (int tile = 0; tile < tilesPerImage; tile++) {
            int ty = tile / tilesX, tx = tile % tilesX;
            passes.rows().apply(padded, (m * ty * paddedWidth + m * tx) * c, stage, 0, c);
            passes.columns().apply(stage, 0, v, (t0 + tile) * c, c);
        }
    }

    /**
     * Image n's output from rows {@code t0 ..} of every {@code M_ξᵀ}: {@code Y(a, bb) = Σ_i Σ_l Aᵀ[a][i] Aᵀ[bb][l]
     * M(i, l)} per tile, all output channels at once, pixel-major, then transposed into the channels' planes and
     * written into y by {@code terms}.
     */
    private void transformOutput(float[] mt, Passes passes, int t0, int n, OutputTerms terms, float[] y,
                                 Workspace ws) {
        int m = t.m, alpha = t.alpha, plane = height * width, c = outChannels;
        float[] stage = ws.get(Workspace.Slot.WINOGRAD_STAGE, m * alpha * c);
        float[] pixels = ws.get(Workspace.Slot.WINOGRAD_LINES, plane * c);
        for (int tile = 0; tile < tilesPerImage; tile++) {
            int ty = tile / tilesX, tx = tile % tilesX;
            passes.rows().apply(mt, (t0 + tile) * c, stage, 0, c);
            passes.columns().apply(stage, 0, pixels, (m * ty * width + m * tx) * c, c);
        }
        // Stored: transposed straight into y's planes, then the terms added in place, the image still in cache.
        // Added: through a copy.
        boolean accumulate = terms.accumulate();
        float[] target = accumulate ? ws.get(Workspace.Slot.WINOGRAD_BORDER, plane * c) : y;
        int base = accumulate ? 0 : n * c * plane;
        for (int group = 0; group < c; group += VL) {
            LaneTranspose.transpose(VL, plane / VL, pixels, group, VL * c, c, target, base + group * plane, VL, plane);
        }
        for (int o = 0; o < c; o++) {
            int at = terms.at(n, o, 0);
            if (accumulate) {
                VectorOps.addInto(target, o * plane, y, at, plane);
                continue;
            }
            terms.addInPlace(y, n, o, at, plane);
        }
    }

    /** A transform's two passes over a tile, built once per block: their offsets depend on the block's tile count. */
    private record Passes(WinogradConvolution.Lines rows, WinogradConvolution.Lines columns) {
    }

    private Passes inputPasses(int tiles) {
        int alpha = t.alpha, paddedWidth = width + 2, c = inChannels;
        // Bᵀ over the window's rows, column by column: stage(i, q) = Σ_k Bᵀ[i][k]·d[k][q].
        WinogradConvolution.Lines rows = WinogradConvolution.Lines.of(t.input, alpha, alpha, alpha,
                (q, k) -> (k * paddedWidth + q) * c, (q, i) -> (i * alpha + q) * c);
        // Bᵀ over the columns: V(i, l) = Σ_q Bᵀ[l][q]·stage(i, q), into row t of Vᵀ_(i,l).
        WinogradConvolution.Lines columns = WinogradConvolution.Lines.of(t.input, alpha, alpha, alpha,
                (i, q) -> (i * alpha + q) * c, (i, l) -> (i * alpha + l) * tiles * c);
        return new Passes(rows, columns);
    }

    private Passes outputPasses(int tiles) {
        int m = t.m, alpha = t.alpha, c = outChannels;
        // Aᵀ over i: stage(a, l) = Σ_i Aᵀ[a][i]·M(i, l).
        WinogradConvolution.Lines rows = WinogradConvolution.Lines.of(t.output, alpha, alpha, m,
                (l, i) -> (i * alpha + l) * tiles * c, (l, a) -> (a * alpha + l) * c);
        // Aᵀ over l: Y(a, bb) = Σ_l Aᵀ[bb][l]·stage(a, l), pixel (m·ty + a, m·tx + bb).
        WinogradConvolution.Lines columns = WinogradConvolution.Lines.of(t.output, m, alpha, m,
                (a, l) -> (a * alpha + l) * c, (a, bb) -> (a * width + bb) * c);
        return new Passes(rows, columns);
    }

    private Passes outputAdjointPasses(int tiles) {
        int m = t.m, alpha = t.alpha, c = outChannels;
        // A over each output row's columns: Z(a, l) = Σ_bb Aᵀ[bb][l]·dy(a, bb).
        WinogradConvolution.Lines rows = WinogradConvolution.Lines.of(t.outputAdjoint, m, m, alpha,
                (a, bb) -> (a * width + bb) * c, (a, l) -> (a * alpha + l) * c);
        // A over the rows: M̄(i, l) = Σ_a Aᵀ[a][i]·Z(a, l), into row t of M̄ᵀ_(i,l).
        WinogradConvolution.Lines columns = WinogradConvolution.Lines.of(t.outputAdjoint, alpha, m, alpha,
                (l, a) -> (a * alpha + l) * c, (l, i) -> (i * alpha + l) * tiles * c);
        return new Passes(rows, columns);
    }
}
