package org.ddpm4j.tensor.simd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A 3×3, stride-1, padding-1 convolution of a batch of [C, H, W] images by Winograd's F(m×m, 3×3)
 * ({@link WinogradTransform}): the forward pass, which also serves as the input gradient (a same convolution of dy
 * by the transposed, flipped kernels), and the weight gradient.
 *
 * <p>The images are cut into tiles: tile (ty, tx) reads padded rows m·ty .. m·ty + α − 1 and columns likewise, and
 * writes output rows and columns m·ty .. m·ty + m − 1. The work is split into blocks of whole tile rows (of one image,
 * or of several whole small images), each small enough that its transformed input V (α² × Cin × tiles) and products M
 * (α² × Cout × tiles) stay in a core's L2. Per block: transform the input, run the α² GEMMs
 * {@code M_ξ = U_ξ·V_ξ}, transform M back into the output.
 *
 * <p>Every transform reads its α×α window at fixed offsets in phase-split copies of the input, so each transform row
 * is one vector loop over all tiles of a block: {@code grid(s, r)[b][j] = padded[m·b + s][m·j + r]} holds a tile's
 * first m columns. Its last α − m columns lie in the next tile's place, so the row pass's results for them are its
 * results for the next tile, moved one place; only each tile row's last tile, whose next place is the right border,
 * is computed on its own. Tiles are indexed on the image's own grid of tilesY × tilesX, so no GEMM column is spent on
 * a tile that is not in the output.
 */
final class WinogradConvolution {
    /**
     * Floats of a block's V and M together (2 MiB, twice a core's L2 here): the best of 2¹⁷, 2¹⁸ and 2¹⁹ on the
     * U-Net's convolutions. Narrower blocks keep more in cache but make thinner GEMMs.
     */
    static final int BLOCK_FLOATS = 1 << 19;
    /** A GEMM narrower than this wastes its packing and C updates. */
    private static final int MIN_BLOCK_COLUMNS = 2 * Sgemm.NR;

    private final WinogradTransform t;
    private final int batch, inChannels, outChannels, height, width, tilesY, tilesX;
    private final List<Block> blocks;

    /** Tile rows [ty0, ty1) of images [n0, n0 + images); a block of several images holds all their tile rows. */
    record Block(int n0, int images, int ty0, int ty1) {
        int tileRows() {
            return ty1 - ty0;
        }
    }

    WinogradConvolution(WinogradTransform t, int batch, int inChannels, int outChannels, int height, int width,
                        int threads) {
        this.t = t;
        this.batch = batch;
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.height = height;
        this.width = width;
        this.tilesY = Math.ceilDiv(height, t.m);
        this.tilesX = Math.ceilDiv(width, t.m);
        int target = Math.max(MIN_BLOCK_COLUMNS, BLOCK_FLOATS / (t.products() * (inChannels + outChannels)));
        this.blocks = plan(target, threads);
    }

    /**
     * Blocks of about {@code targetColumns} tile columns, as many for every thread: {@link Parallel#forRange} gives
     * each thread an equal count of consecutive blocks, so a thread's blocks cover its even share of the batch (with
     * unequal blocks one thread would wait for the other at the end of every call).
     */
    private List<Block> plan(int targetColumns, int threads) {
        List<Block> plan = new ArrayList<>();
        int imageColumns = tilesY * tilesX;
        if (imageColumns >= targetColumns || batch < threads) {
            int rows = Math.max(1, Math.min(targetColumns / tilesX, Math.ceilDiv(tilesY * batch, threads)));
            int parts = Math.ceilDiv(tilesY, rows);
            for (int n = 0; n < batch; n++) {
                for (int part = 0; part < parts; part++) {
                    plan.add(new Block(n, 1, tilesY * part / parts, tilesY * (part + 1) / parts));
                }
            }
        } else {
            int share = Math.ceilDiv(batch, threads);
            int perThread = Math.ceilDiv(share, Math.max(1, targetColumns / imageColumns));
            for (int thread = 0; thread < threads; thread++) {
                int first = batch * thread / threads, count = batch * (thread + 1) / threads - first;
                for (int part = 0; part < perThread; part++) {
                    int start = first + count * part / perThread, end = first + count * (part + 1) / perThread;
                    if (end > start) {
                        plan.add(new Block(start, end - start, 0, tilesY));
                    }
                }
            }
        }
        return plan;
    }

    /** The transformed kernels of one call, packed as the A of every block's α² GEMMs and shared read-only. */
    record Kernels(Sgemm.PackedA[] products) {
    }

    /**
     * Transforms and packs [out, in, 3, 3] weights for {@link #forward}; with {@code forInputGradient} the weights are
     * the forward convolution's [in, out, 3, 3], applied transposed and flipped. Both passes are split between the
     * threads: on a batch of a few images they would otherwise be a serial part of every call.
     */
    Kernels kernels(Parallel parallel, float[] w, boolean forInputGradient) {
        int mats = outChannels * inChannels;
        Workspace ws = Workspace.current();
        float[] u = ws.get(Workspace.Slot.CALLER_TRANSFORMED_KERNELS, t.products() * mats);
        t.transformKernels(parallel, w, outChannels, inChannels, forInputGradient, u);
        int size = Sgemm.PackedA.size(outChannels, inChannels);
        float[] buffer = ws.get(Workspace.Slot.CALLER_PACKED_WEIGHTS, t.products() * size);
        Sgemm.PackedA[] packed = new Sgemm.PackedA[t.products()];
        parallel.forRange(packed.length, mats, (start, end) -> {
            for (int xi = start; xi < end; xi++) {
                packed[xi] = Sgemm.PackedA.pack(false, outChannels, inChannels, u, xi * mats, inChannels, buffer,
                        xi * size);
            }
        });
        return new Kernels(packed);
    }

    /** {@code y = x ⋆ k} plus the output's terms, or {@code y += x ⋆ k} ({@link OutputTerms}). */
    void forward(Parallel parallel, float[] x, Kernels k, OutputTerms terms, float[] y) {
        parallel.forRange(blocks.size(), (start, end) -> {
            for (int bi = start; bi < end; bi++) {
                forwardBlock(blocks.get(bi), x, k, terms, y);
            }
        });
    }

    private void forwardBlock(Block b, float[] x, Kernels k, OutputTerms terms, float[] y) {
        Workspace ws = Workspace.current();
        int len = b.tileRows() * tilesX, ld = stripColumns(b.images() * len);
        float[] v = transformInputs(b, x, ws, ld, true);
        float[] products = ws.get(Workspace.Slot.WINOGRAD_PRODUCTS, t.products() * outChannels * ld);
        for (int xi = 0; xi < t.products(); xi++) {
            Sgemm.gemmPrepacked(k.products()[xi], ld, v, xi * inChannels * ld, products, xi * outChannels * ld, ld);
        }
        transformOutputs(b, products, ld, terms, y, ws);
    }

    /**
     * The α² gradient matrices {@code dU_ξ = Σ_tiles (A dy Aᵀ)_ξ ⊗ V_ξ} (the adjoint of {@link #forward}'s
     * products), written into {@code kernelGradients} (α² × Cout × Cin), and the bias gradient added into
     * {@code biasGradient} when it is not null. Both are summed per chunk of blocks and then the chunks' sums added in
     * chunk order, so the result depends only on the thread count.
     */
    void weightGradient(Parallel parallel, float[] x, float[] dy, float[] kernelGradients, double[] biasGradient) {
        WinogradGradientSums.sum(parallel, blocks.size(), t.products() * outChannels * inChannels, outChannels,
                (block, partials, offset, biasPartial) -> weightGradientBlock(blocks.get(block), x, dy, partials,
                        offset, biasPartial),
                kernelGradients, biasGradient);
    }

    private void weightGradientBlock(Block b, float[] x, float[] dy, float[] partials, int partialOff,
                                     double[] biasPartial) {
        Workspace ws = Workspace.current();
        int m = t.m, cols = b.images() * b.tileRows() * tilesX, ld = Math.ceilDiv(cols, VectorOps.VL) * VectorOps.VL;
        float[] v = transformInputs(b, x, ws, ld, false);
        float[] products = ws.get(Workspace.Slot.WINOGRAD_PRODUCTS, t.products() * outChannels * ld);
        int dyStride = splitStride(ld);
        float[] stage = ws.get(Workspace.Slot.WINOGRAD_STAGE, m * m * dyStride + m * t.alpha * ld);
        float[] lines = zeroedLines(m, b, ws);
        int rowStart = m * b.ty0(), rowEnd = Math.min(height, m * b.ty1()), group = linesLength(b);
        // The adjoint of transformOutputs. Over the columns: Z(a, l) = Σ_bb Aᵀ[bb][l]·D(a, bb), after the m² phases.
        int z = m * m * dyStride, alpha = t.alpha;
        Lines columnAdjoint = Lines.of(t.outputAdjoint, m, m, alpha, (a, bb) -> (a * m + bb) * dyStride,
                (a, l) -> z + (a * alpha + l) * ld);
        // Over the rows: M̄(i, l) = Σ_a Aᵀ[a][i]·Z(a, l), into the channel's row of each M̄(i, l).
        Lines rowAdjoint = Lines.of(t.outputAdjoint, alpha, m, alpha, (l, a) -> z + (a * alpha + l) * ld,
                (l, i) -> (i * alpha + l) * outChannels * ld);
        for (int o = 0; o < outChannels; o++) {
            // dy's phases D(a, bb) of all tiles of channel o: output row m·ty + a, column m·j + bb.
            for (int a = 0; a < m; a++) {
                splitRows(dy, outChannels, o, b, a, 0, lines, a * group, stage, a * m * dyStride, dyStride);
            }
            for (int phase = 0; phase < m * m && ld > cols; phase++) {
                Arrays.fill(stage, phase * dyStride + cols, phase * dyStride + ld, 0f);
            }
            for (int i = 0; i < b.images(); i++) {
                int dyPlane = ((b.n0() + i) * outChannels + o) * height * width;
                biasPartial[o] += VectorOps.sum(dy, dyPlane + rowStart * width, (rowEnd - rowStart) * width);
            }
            columnAdjoint.apply(stage, 0, stage, 0, ld);
            rowAdjoint.apply(stage, 0, products, o * ld, ld);
        }
        for (int xi = 0; xi < t.products(); xi++) {
            Sgemm.gemm(false, outChannels, inChannels, cols, 1f, products, xi * outChannels * ld, ld,
                    new BPacker.Dense(true, v, xi * inChannels * ld, ld), true,
                    partials, partialOff + xi * outChannels * inChannels, inChannels);
        }
    }

    /**
     * V (α² × Cin × ld) of a block: {@code V_(i,l) = Σ_k Σ_q Bᵀ[i][k] Bᵀ[l][q] d[k][q]} for every tile of every
     * input plane. V_ξ's row c holds channel c of the block's images side by side, image i from
     * {@code i·tileRows·tilesX} (columns past them, up to ld, are zeros). With {@code strips},
     * each V_ξ is written in {@link Sgemm#gemmPrepacked}'s layout instead of row-major (ld then a multiple of NR), so
     * the GEMMs read it without a packing pass.
     *
     * <p>One channel at a time: its phase-split grids and the row pass's results are a few KiB that stay in L1/L2
     * between the passes, where a whole block's would be several MiB, evicted to L3 before they are read back.
     */
    private float[] transformInputs(Block b, float[] x, Workspace ws, int ld, boolean strips) {
        int m = t.m, alpha = t.alpha, cols = b.images() * b.tileRows() * tilesX, group = linesLength(b);
        // grid(v, s, r) = padded[m·(b + v) + s][m·j + r]: v = 0 and v = 1 (shifted down one tile row), so that
        // every term of Bᵀ over the tile's rows reads the same plane layout. Only a tile's α rows k = m·v + s < α
        // are read: grid(1, s) for s < α − m.
        int gridStride = splitStride(ld), spill = alpha - m;
        float[] grids = ws.get(Workspace.Slot.WINOGRAD_GRIDS, alpha * m * gridStride);
        // The row pass's results: rows(i, r) for a tile's first m columns, then next(i, r) for its last α − m.
        float[] rows = ws.get(Workspace.Slot.WINOGRAD_STAGE, alpha * alpha * ld);
        float[] v = ws.get(Workspace.Slot.WINOGRAD_INPUT, t.products() * inChannels * ld);
        float[] lines = zeroedLines(alpha, b, ws);
        // Bᵀ over the rows: rows(i, r) = Σ_k Bᵀ[i][k]·grid(k div m, k mod m, r).
        Lines rowPass = Lines.of(t.input, m, alpha, alpha, (r, k) -> (k * m + r) * gridStride,
                (r, i) -> (i * m + r) * ld);
        // Bᵀ over the columns: V(i, l) = Σ_q Bᵀ[l][q]·(column q of each tile): rows(i, q) for q < m, else next's.
        Lines columnPass = Lines.of(t.input, alpha, alpha, alpha,
                (i, q) -> (q < m ? i * m + q : alpha * m + i * spill + q - m) * ld,
                (i, l) -> (i * alpha + l) * inChannels * ld);
        // Bᵀ over the rows of the image's last column, one value per tile row of the block.
        int borderStride = Math.ceilDiv(b.images() * b.tileRows(), VectorOps.VL) * VectorOps.VL;
        Lines borderPass = Lines.of(t.input, 1, alpha, alpha, (g, k) -> k * borderStride,
                (g, i) -> (alpha + i) * borderStride);
        for (int c = 0; c < inChannels; c++) {
            // grid(v, s, r), g = m·v + s: padded row m·(ty0 + row) + g is image row m·(ty0 + row) + g − 1.
            for (int g = 0; g < alpha; g++) {
                splitRows(x, inChannels, c, b, g - 1, -1, lines, g * group, grids,
                        g * m * gridStride, gridStride);
            }
            for (int g = 0; g < alpha * m && ld > cols; g++) {
                Arrays.fill(grids, g * gridStride + cols, g * gridStride + ld, 0f);
            }
            rowPass.apply(grids, 0, rows, 0, ld);
            nextRows(rows, x, c, b, ld, cols, borderPass, borderStride, ws);
            if (strips) {
                columnPass.apply(rows, 0, v, c * Sgemm.NR, ld, Sgemm.NR, inChannels * Sgemm.NR);
            } else {
                columnPass.apply(rows, 0, v, c * ld, ld);
            }
        }
        return v;
    }

    /**
     * next(i, r) for r &lt; α − m, the row pass's results for a tile's columns m + r, which are column r of the next
     * tile: rows(i, r) moved one tile to the left, except for each tile row's last tile. Its next place is the right
     * border, padded column m·tilesX + r, which is inside the image only for r = 0 when m divides the width (the
     * image's last column); there it is the row pass over that column ({@link #lastColumnRowPass}), elsewhere zero.
     */
    private void nextRows(float[] rows, float[] x, int c, Block b, int ld, int cols, Lines borderPass,
                          int borderStride, Workspace ws) {
        int m = t.m, alpha = t.alpha, spill = alpha - m, lastTiles = b.images() * b.tileRows();
        float[] border = width == m * tilesX ? lastColumnRowPass(x, c, b, borderPass, borderStride, ws) : null;
        for (int i = 0; i < alpha; i++) {
            for (int r = 0; r < spill; r++) {
                int next = (alpha * m + i * spill + r) * ld;
                System.arraycopy(rows, (i * m + r) * ld + 1, rows, next, cols - 1);
                Arrays.fill(rows, next + cols, next + ld, 0f);
                for (int tile = 0; tile < lastTiles; tile++) {
                    rows[next + (tile + 1) * tilesX - 1] = r == 0 && border != null
                            ? border[(alpha + i) * borderStride + tile] : 0f;
                }
            }
        }
    }

    /**
     * Bᵀ over the rows of the image's last column, {@code Σ_k Bᵀ[i][k]·x[n, c, m·ty + k − 1, width − 1]} (zero outside
     * the image), for each tile row of the block: input line k (at k·stride) holds tile row number t's value at t, and
     * {@code borderPass} writes output i at {@code (α + i)·stride}.
     */
    private float[] lastColumnRowPass(float[] x, int c, Block b, Lines borderPass, int stride, Workspace ws) {
        int alpha = t.alpha, tileRows = b.tileRows();
        float[] lines = ws.get(Workspace.Slot.WINOGRAD_BORDER, 2 * alpha * stride);
        for (int k = 0; k < alpha; k++) {
            Arrays.fill(lines, k * stride, (k + 1) * stride, 0f);
            for (int img = 0; img < b.images(); img++) {
                int plane = ((b.n0() + img) * inChannels + c) * height * width;
                for (int row = 0; row < tileRows; row++) {
                    int y = t.m * (b.ty0() + row) + k - 1;
                    if (y >= 0 && y < height) {
                        lines[k * stride + img * tileRows + row] = x[plane + y * width + width - 1];
                    }
                }
            }
        }
        borderPass.apply(lines, 0, lines, 0, stride);
        return lines;
    }

    /**
     * Buffers for {@code groups} groups of lines ({@link #splitRows}), all zero: only the image's values are written
     * into them, so the borders and the rows outside the image stay zero for every channel.
     */
    private float[] zeroedLines(int groups, Block b, Workspace ws) {
        // The last split reads up to m·(VL − 1) values past its lines.
        int size = groups * linesLength(b) + t.m * VectorOps.VL;
        float[] lines = ws.get(Workspace.Slot.WINOGRAD_LINES, size);
        Arrays.fill(lines, 0, size, 0f);
        return lines;
    }

    /** The values of one group of lines: one line of m·tilesX values per tile row of each image of the block. */
    private int linesLength(Block b) {
        return b.images() * b.tileRows() * t.m * tilesX;
    }

    /**
     * Splits row {@code m·(ty0 + row) + shift} of channel ch of every image of the block by column phase:
     * {@code dst[d + r·stride + (i·tileRows + row)·tilesX + j] = line[m·j + r]}, where line[k] is the row's value at
     * image column {@code column + k} (zero outside the image). The rows are copied into their lines (from
     * {@code base}) and split in one call: the split of lines of m·tilesX values is the phases of all their tiles in
     * order.
     */
    private void splitRows(float[] src, int channels, int ch, Block b, int shift, int column, float[] lines, int base,
                           float[] dst, int d, int stride) {
        int rows = b.tileRows(), lineLength = t.m * tilesX;
        int from = Math.max(0, column), count = Math.min(width, column + lineLength) - from, lead = from - column;
        for (int i = 0; i < b.images() && count > 0; i++) {
            int plane = ((b.n0() + i) * channels + ch) * height * width;
            for (int row = 0; row < rows; row++) {
                int y = t.m * (b.ty0() + row) + shift;
                if (y >= 0 && y < height) {
                    VectorOps.copy(src, plane + y * width + from, lines, base + (i * rows + row) * lineLength + lead,
                            count);
                }
            }
        }
        PhaseSplit.split(t.m, lines, base, b.images() * rows * tilesX, dst, d, -1, stride);
    }

    /**
     * The block's output from its products M (α² × Cout × ld): for each output channel, the phases
     * {@code Y(a, bb) = Σ_i Σ_l Aᵀ[a][i] Aᵀ[bb][l] M(i, l)} of all its tiles, then the output rows merged from them
     * and written into y by {@code terms}. One channel at a time, for the same reason as {@link #transformInputs}.
     */
    private void transformOutputs(Block b, float[] products, int ld, OutputTerms terms, float[] y, Workspace ws) {
        int m = t.m, alpha = t.alpha, mStride = outChannels * ld, cols = b.images() * b.tileRows() * tilesX;
        // VL more: merging the last phase reads up to a whole vector past it.
        float[] stage = ws.get(Workspace.Slot.WINOGRAD_STAGE, (m * alpha + m * m) * ld + VectorOps.VL);
        float[] merged = ws.get(Workspace.Slot.WINOGRAD_LINES, PhaseSplit.readLength(m, cols));
        int phases = m * alpha * ld;
        // Aᵀ over the rows: Z(a, l) = Σ_i Aᵀ[a][i]·M(i, l), read from the channel's row of each M(i, l).
        Lines rowPass = Lines.of(t.output, alpha, alpha, m, (l, i) -> (i * alpha + l) * mStride,
                (l, a) -> (a * alpha + l) * ld);
        // Aᵀ over the columns: Y(a, bb) = Σ_l Aᵀ[bb][l]·Z(a, l).
        Lines columnPass = Lines.of(t.output, m, alpha, m, (a, l) -> (a * alpha + l) * ld,
                (a, bb) -> phases + (a * m + bb) * ld);
        for (int o = 0; o < outChannels; o++) {
            rowPass.apply(products, o * ld, stage, 0, ld);
            columnPass.apply(stage, 0, stage, 0, ld);
            for (int a = 0; a < m; a++) {
                PhaseSplit.merge(m, stage, phases + a * m * ld, ld, cols, merged, 0);
                storeRows(merged, a, b, y, o, terms);
            }
        }
    }

    /**
     * Output rows m·(ty0 + row) + a of channel o of the block's images from {@code merged}, where tile row
     * {@code row} of image i starts at {@code (i·tileRows + row)·m·tilesX}, written into y by {@code terms}.
     */
    private void storeRows(float[] merged, int a, Block b, float[] y, int o, OutputTerms terms) {
        int rows = b.tileRows(), lineLength = t.m * tilesX;
        for (int i = 0; i < b.images(); i++) {
            for (int row = 0; row < rows; row++) {
                int yy = t.m * (b.ty0() + row) + a;
                if (yy >= height) {
                    continue;
                }
                terms.write(merged, (i * rows + row) * lineLength, y, b.n0() + i, o, yy * width, width);
            }
        }
    }

    /**
     * One pass of a transform over a block: for each of its groups g, {@code transform} reads its input lines at
     * {@code in[g][k]} and writes its output lines at {@code out[g][i]} (from the bases given to {@link #apply}). Built
     * once per block, since the offsets depend on the block's line length but not on the channel.
     */
    record Lines(WinogradLines.Transform transform, int[][] in, int[][] out) {
        @FunctionalInterface
        interface Offset {
            int of(int group, int line);
        }

        static Lines of(WinogradLines.Transform transform, int groups, int inputs, int outputs, Offset in,
                        Offset out) {
            int[][] ins = new int[groups][inputs], outs = new int[groups][outputs];
            for (int g = 0; g < groups; g++) {
                for (int k = 0; k < inputs; k++) {
                    ins[g][k] = in.of(g, k);
                }
                for (int i = 0; i < outputs; i++) {
                    outs[g][i] = out.of(g, i);
                }
            }
            return new Lines(transform, ins, outs);
        }

        /** Lines of len values in, lines of len values out. */
        void apply(float[] src, int srcBase, float[] dst, int dstBase, int len) {
            apply(src, srcBase, dst, dstBase, len, len, 0);
        }

        /** Output lines in strips of {@code strip} values, {@code stripStride} apart (see WinogradLines.Transform). */
        void apply(float[] src, int srcBase, float[] dst, int dstBase, int len, int strip, int stripStride) {
            for (int g = 0; g < in.length; g++) {
                transform.apply(src, srcBase, in[g], dst, dstBase, out[g], len, strip, stripStride);
            }
        }
    }

    /** A GEMM width of whole NR strips, for {@link Sgemm#gemmPrepacked}. */
    private static int stripColumns(int cols) {
        return Math.ceilDiv(cols, Sgemm.NR) * Sgemm.NR;
    }

    /**
     * The distance between the phase arrays that {@link PhaseSplit#split} writes: their span and a vector more, so
     * that its whole-vector stores past a row's end land in the next row (written after it) or in this slack.
     */
    private static int splitStride(int span) {
        return span + VectorOps.VL;
    }
}
