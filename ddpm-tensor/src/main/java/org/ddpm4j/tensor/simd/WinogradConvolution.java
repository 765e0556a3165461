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
 * <p>Tiles are indexed on a grid one column wider than the image's tiles ({@code gridWidth = tilesX + 1}): every
 * transform then reads its α×α window at fixed offsets in phase-split copies of the input ({@code grid(s, r)[b][j] =
 * padded[m·b + s][m·j + r]}), so each transform row is one vector loop over all tiles of a block. The extra column's
 * products are computed and discarded.
 */
final class WinogradConvolution {
    /**
     * Floats of a block's V and M together (2 MiB, twice a core's L2 here): the best of 2¹⁷, 2¹⁸ and 2¹⁹ on the
     * U-Net's convolutions. Narrower blocks keep more in cache but make thinner GEMMs.
     */
    private static final int BLOCK_FLOATS = 1 << 19;
    /** A GEMM narrower than this wastes its packing and C updates. */
    private static final int MIN_BLOCK_COLUMNS = 2 * Sgemm.NR;

    private final WinogradTransform t;
    private final int batch, inChannels, outChannels, height, width, tilesY, tilesX, gridWidth;
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
        this.tilesY = ceilDiv(height, t.m);
        this.tilesX = ceilDiv(width, t.m);
        this.gridWidth = tilesX + 1;
        int target = Math.max(MIN_BLOCK_COLUMNS, BLOCK_FLOATS / (t.products() * (inChannels + outChannels)));
        this.blocks = plan(target, threads);
    }

    private List<Block> plan(int targetColumns, int threads) {
        List<Block> plan = new ArrayList<>();
        int imageColumns = tilesY * gridWidth;
        if (imageColumns >= targetColumns || batch < threads) {
            int rows = Math.max(1, Math.min(targetColumns / gridWidth, ceilDiv(tilesY * batch, threads)));
            for (int n = 0; n < batch; n++) {
                for (int ty = 0; ty < tilesY; ty += rows) {
                    plan.add(new Block(n, 1, ty, Math.min(tilesY, ty + rows)));
                }
            }
        } else {
            int images = Math.max(1, Math.min(targetColumns / imageColumns, ceilDiv(batch, threads)));
            for (int n = 0; n < batch; n += images) {
                plan.add(new Block(n, Math.min(images, batch - n), 0, tilesY));
            }
        }
        return plan;
    }

    /** The transformed kernels of one call, packed as the A of every block's α² GEMMs and shared read-only. */
    record Kernels(Sgemm.PackedA[] products) {
    }

    /**
     * Transforms and packs [out, in, 3, 3] weights for {@link #forward}; with {@code forInputGradient} the weights are
     * the forward convolution's [in, out, 3, 3], applied transposed and flipped.
     */
    Kernels kernels(float[] w, boolean forInputGradient) {
        int mats = outChannels * inChannels;
        Workspace ws = Workspace.current();
        float[] u = ws.get(Workspace.Slot.CALLER_FLIPPED_WEIGHTS, t.products() * mats);
        t.transformKernels(w, outChannels, inChannels, forInputGradient, u);
        int size = Sgemm.PackedA.size(outChannels, inChannels);
        float[] buffer = ws.get(Workspace.Slot.CALLER_PACKED_WEIGHTS, t.products() * size);
        Sgemm.PackedA[] packed = new Sgemm.PackedA[t.products()];
        for (int xi = 0; xi < packed.length; xi++) {
            packed[xi] = Sgemm.PackedA.pack(false, outChannels, inChannels, u, xi * mats, inChannels, buffer, xi * size);
        }
        return new Kernels(packed);
    }

    /** {@code y = x ⋆ k + bias}, or {@code y += x ⋆ k} with {@code accumulate} (bias then must be null). */
    void forward(Parallel parallel, float[] x, Kernels k, float[] bias, boolean accumulate, float[] y) {
        parallel.forRange(blocks.size(), (start, end) -> {
            for (int bi = start; bi < end; bi++) {
                forwardBlock(blocks.get(bi), x, k, bias, accumulate, y);
            }
        });
    }

    private void forwardBlock(Block b, float[] x, Kernels k, float[] bias, boolean accumulate, float[] y) {
        Workspace ws = Workspace.current();
        int len = b.tileRows() * gridWidth, cols = b.images() * len;
        float[] v = transformInputs(b, x, ws);
        float[] products = ws.get(Workspace.Slot.WINOGRAD_PRODUCTS, t.products() * outChannels * cols);
        for (int xi = 0; xi < t.products(); xi++) {
            Sgemm.gemmPacked(k.products()[xi], 0, outChannels, cols, 1f,
                    new BPacker.Dense(false, v, xi * inChannels * cols, cols), false,
                    products, xi * outChannels * cols, cols);
        }
        float[] phases = transformOutputs(products, outChannels * cols, ws);
        float[] merged = paddedRow(0);
        int planeCount = outChannels * b.images();
        for (int plane = 0; plane < planeCount; plane++) {
            int o = plane / b.images(), n = b.n0() + plane % b.images();
            scatterOutput(phases, plane * len, planeCount * len, b, y, (n * outChannels + o) * height * width,
                    bias == null ? 0f : bias[o], accumulate, merged);
        }
    }


    /**
     * The α² gradient matrices {@code dU_ξ = Σ_tiles (A dy Aᵀ)_ξ ⊗ V_ξ} (the adjoint of {@link #forward}'s
     * products), summed into {@code kernelGradients} (α² × Cout × Cin), and the bias gradient into
     * {@code biasGradient} when it is not null. Both are summed per chunk of blocks and then added, so the result
     * depends only on the thread count.
     */
    void weightGradient(Parallel parallel, float[] x, float[] dy, float[] kernelGradients, double[] biasGradient) {
        int partialSize = t.products() * outChannels * inChannels;
        int chunks = parallel.chunkCount(blocks.size(), Long.MAX_VALUE);
        Workspace caller = Workspace.current();
        float[] partials = caller.get(Workspace.Slot.CALLER_PARTIALS, chunks * partialSize);
        Arrays.fill(partials, 0, chunks * partialSize, 0f);
        double[][] biasPartials = new double[chunks][outChannels];
        parallel.forRange(blocks.size(), (start, end) -> {
            int chunk = Parallel.chunkStartingAt(start, blocks.size(), chunks);
            for (int bi = start; bi < end; bi++) {
                weightGradientBlock(blocks.get(bi), x, dy, partials, chunk * partialSize, biasPartials[chunk]);
            }
        });
        for (int c = 0; c < chunks; c++) {
            VectorOps.addInto(partials, c * partialSize, kernelGradients, 0, partialSize);
            if (biasGradient != null) {
                for (int o = 0; o < outChannels; o++) {
                    biasGradient[o] += biasPartials[c][o];
                }
            }
        }
    }

    private void weightGradientBlock(Block b, float[] x, float[] dy, float[] partials, int partialOff,
                                     double[] biasPartial) {
        Workspace ws = Workspace.current();
        int len = b.tileRows() * gridWidth, cols = b.images() * len;
        float[] v = transformInputs(b, x, ws);
        float[] products = ws.get(Workspace.Slot.WINOGRAD_PRODUCTS, t.products() * outChannels * cols);
        int planeCount = outChannels * b.images();
        int span = planeCount * len, dyStride = splitStride(span);
        float[] stage = ws.get(Workspace.Slot.WINOGRAD_STAGE, t.m * t.m * dyStride + t.m * t.alpha * span);
        int rowStart = t.m * b.ty0(), rowEnd = Math.min(height, t.m * b.ty1());
        float[] padded = paddedRow(0);
        for (int plane = 0; plane < planeCount; plane++) {
            int o = plane / b.images(), n = b.n0() + plane % b.images();
            int dyPlane = (n * outChannels + o) * height * width;
            gatherOutputGradient(dy, dyPlane, b, stage, plane * len, dyStride, padded);
            biasPartial[o] += VectorOps.sum(dy, dyPlane + rowStart * width, (rowEnd - rowStart) * width);
        }
        outputAdjoint(stage, span, dyStride, products);
        for (int xi = 0; xi < t.products(); xi++) {
            Sgemm.gemm(false, outChannels, inChannels, cols, 1f, products, xi * outChannels * cols, cols,
                    new BPacker.Dense(true, v, xi * inChannels * cols, cols), true,
                    partials, partialOff + xi * outChannels * inChannels, inChannels);
        }
    }

    /**
     * V (α² × Cin × cols) of a block: {@code V_(i,l) = Σ_k Σ_q Bᵀ[i][k] Bᵀ[l][q] d[k][q]} for every tile of every
     * input plane. The planes (channel c, image i of the block) lie at {@code (c·images + i)·len}, so V_ξ's row c is
     * the block's images side by side and each transform row is one vector loop over all planes.
     */
    private float[] transformInputs(Block b, float[] x, Workspace ws) {
        int m = t.m, alpha = t.alpha, len = b.tileRows() * gridWidth, planeCount = inChannels * b.images();
        int span = planeCount * len;
        // grid(v, s, r) = padded[m·(b + v) + s][m·j + r]: v = 0 and v = 1 (shifted down one tile row), so that
        // every term of Bᵀ over the tile's rows reads the same plane layout.
        int gridStride = splitStride(span);
        float[] grids = ws.get(Workspace.Slot.WINOGRAD_GRIDS, 2 * m * m * gridStride);
        float[] padded = paddedRow(1);
        for (int plane = 0; plane < planeCount; plane++) {
            int c = plane / b.images(), n = b.n0() + plane % b.images();
            gatherPlane(x, (n * inChannels + c) * height * width, b, grids, plane * len, gridStride, padded);
        }
        // Bᵀ over the rows: rows(i, r) = Σ_k Bᵀ[i][k]·grid(k div m, k mod m, r). One more zero at the end: the
        // column pass reads one tile ahead, which matters only for the grid's extra (discarded) column.
        float[] rows = ws.get(Workspace.Slot.WINOGRAD_STAGE, alpha * m * span + 1);
        rows[alpha * m * span] = 0f;
        int[] offsets = new int[alpha];
        for (int i = 0; i < alpha; i++) {
            WinogradTransform.Terms terms = t.inputRows[i];
            for (int r = 0; r < m; r++) {
                for (int q = 0; q < terms.size(); q++) {
                    int k = terms.index()[q];
                    offsets[q] = (((k / m) * m + k % m) * m + r) * gridStride;
                }
                VectorOps.linearCombination(grids, offsets, terms.coef(), rows, (i * m + r) * span, span);
            }
        }
        // Bᵀ over the columns: V(i, l) = Σ_q Bᵀ[l][q]·rows(i, q mod m) shifted right q div m tiles.
        float[] v = ws.get(Workspace.Slot.WINOGRAD_INPUT, t.products() * span);
        for (int i = 0; i < alpha; i++) {
            for (int l = 0; l < alpha; l++) {
                WinogradTransform.Terms terms = t.inputRows[l];
                for (int q = 0; q < terms.size(); q++) {
                    int k = terms.index()[q];
                    offsets[q] = (i * m + k % m) * span + k / m;
                }
                VectorOps.linearCombination(rows, offsets, terms.coef(), v, (i * alpha + l) * span, span);
            }
        }
        return v;
    }

    /**
     * One input plane's grids for a block: padded row m·(ty0 + row) + s goes to grid row {@code row} of
     * grid(0, s, ·) and to grid row {@code row − 1} of grid(1, s, ·), split by column phase r; padded index p is
     * image index p − 1, zero outside the image. {@code padded} holds the row with its zero borders (see
     * {@link #paddedRow}).
     */
    private void gatherPlane(float[] x, int src, Block b, float[] grids, int planeOff, int stride, float[] padded) {
        int m = t.m, rows = b.tileRows();
        for (int row = 0; row <= rows; row++) {
            for (int s = 0; s < m; s++) {
                int y = m * (b.ty0() + row) + s - 1;
                int unshifted = row < rows ? (s * m) * stride + planeOff + row * gridWidth : -1;
                int shifted = row > 0 ? ((m + s) * m) * stride + planeOff + (row - 1) * gridWidth : -1;
                if (y >= 0 && y < height) {
                    System.arraycopy(x, src + y * width, padded, 1, width);
                    PhaseSplit.split(m, padded, 0, gridWidth, grids, unshifted >= 0 ? unshifted : shifted,
                            unshifted >= 0 ? shifted : -1, stride);
                    continue;
                }
                for (int r = 0; r < m; r++) {
                    if (unshifted >= 0) {
                        Arrays.fill(grids, unshifted + r * stride, unshifted + r * stride + gridWidth, 0f);
                    }
                    if (shifted >= 0) {
                        Arrays.fill(grids, shifted + r * stride, shifted + r * stride + gridWidth, 0f);
                    }
                }
            }
        }
    }

    /**
     * A buffer for one image row between zero borders: {@code leading} zeros, the row's width values written by the
     * caller, zeros up to the m·gridWidth values a phase split reads (and the split's whole-vector overrun).
     */
    private float[] paddedRow(int leading) {
        int length = Math.max(PhaseSplit.readLength(t.m, gridWidth), leading + width);
        float[] row = Workspace.current().get(Workspace.Slot.WINOGRAD_ROW, length);
        Arrays.fill(row, 0, length, 0f);
        return row;
    }

    /**
     * The output phases {@code Y(a, bb) = Σ_i Σ_l Aᵀ[a][i] Aᵀ[bb][l] M(i, l)} of every plane of a block from its
     * products (α² × {@code span}), into the returned stage array at {@code (m·α + (a·m + bb))·span}.
     */
    private float[] transformOutputs(float[] products, int span, Workspace ws) {
        int m = t.m, alpha = t.alpha;
        // VL more: merging the last plane's phases reads up to a whole vector past them.
        float[] stage = ws.get(Workspace.Slot.WINOGRAD_STAGE, (m * alpha + m * m) * span + VectorOps.VL);
        int[] offsets = new int[alpha];
        // Aᵀ over the rows: Z(a, l) = Σ_i Aᵀ[a][i]·M(i, l).
        for (int a = 0; a < m; a++) {
            WinogradTransform.Terms terms = t.outputRows[a];
            for (int l = 0; l < alpha; l++) {
                for (int q = 0; q < terms.size(); q++) {
                    offsets[q] = (terms.index()[q] * alpha + l) * span;
                }
                VectorOps.linearCombination(products, offsets, terms.coef(), stage, (a * alpha + l) * span, span);
            }
        }
        // Aᵀ over the columns: Y(a, bb) = Σ_l Aᵀ[bb][l]·Z(a, l).
        int phases = m * alpha * span;
        for (int a = 0; a < m; a++) {
            for (int bb = 0; bb < m; bb++) {
                WinogradTransform.Terms terms = t.outputRows[bb];
                for (int q = 0; q < terms.size(); q++) {
                    offsets[q] = (a * alpha + terms.index()[q]) * span;
                }
                VectorOps.linearCombination(stage, offsets, terms.coef(), stage, phases + (a * m + bb) * span, span);
            }
        }
        return stage;
    }

    /**
     * One output plane of a block from its phases (at {@code m·α·span + (a·m + bb)·span + planeOff}): each output row
     * is merged from its m phases into {@code merged} and then stored (plus bias) or added into y.
     */
    private void scatterOutput(float[] stage, int planeOff, int span, Block b, float[] y, int plane, float bias,
                               boolean accumulate, float[] merged) {
        int m = t.m, phases = m * t.alpha * span + planeOff;
        for (int ty = b.ty0(); ty < b.ty1(); ty++) {
            for (int a = 0; a < m && m * ty + a < height; a++) {
                int row = plane + (m * ty + a) * width, tileRow = (ty - b.ty0()) * gridWidth;
                PhaseSplit.merge(m, stage, phases + a * m * span + tileRow, span, gridWidth, merged, 0);
                if (accumulate) {
                    VectorOps.addInto(merged, 0, y, row, width);
                } else {
                    VectorOps.addScalar(merged, 0, bias, y, row, width);
                }
            }
        }
    }

    /**
     * One plane of dy laid out as output phases {@code D(a, bb)} at {@code (a·m + bb)·span + planeOff}, with the
     * pixels outside the image and the grid's extra column as zeros; {@code padded} holds a dy row and zeros after it.
     */
    private void gatherOutputGradient(float[] dy, int plane, Block b, float[] stage, int planeOff, int stride,
                                      float[] padded) {
        int m = t.m;
        for (int ty = b.ty0(); ty < b.ty1(); ty++) {
            int tileRow = planeOff + (ty - b.ty0()) * gridWidth;
            for (int a = 0; a < m; a++) {
                int dst = (a * m) * stride + tileRow;
                if (m * ty + a < height) {
                    System.arraycopy(dy, plane + (m * ty + a) * width, padded, 0, width);
                    PhaseSplit.split(m, padded, 0, gridWidth, stage, dst, -1, stride);
                } else {
                    for (int bb = 0; bb < m; bb++) {
                        Arrays.fill(stage, dst + bb * stride, dst + bb * stride + gridWidth, 0f);
                    }
                }
            }
        }
    }

    /**
     * The adjoint of {@link #transformOutputs}: {@code M̄(i, l) = Σ_a Σ_bb Aᵀ[a][i] Aᵀ[bb][l] D(a, bb)} from the
     * phases of dy at the start of {@code stage} into {@code products} (α² × span).
     */
    private void outputAdjoint(float[] stage, int span, int dyStride, float[] products) {
        int m = t.m, alpha = t.alpha, z = m * m * dyStride;
        int[] offsets = new int[alpha];
        // Over the columns: Z(a, l) = Σ_bb Aᵀ[bb][l]·D(a, bb).
        for (int a = 0; a < m; a++) {
            for (int l = 0; l < alpha; l++) {
                WinogradTransform.Terms terms = t.outputColumns[l];
                for (int q = 0; q < terms.size(); q++) {
                    offsets[q] = (a * m + terms.index()[q]) * dyStride;
                }
                VectorOps.linearCombination(stage, offsets, terms.coef(), stage, z + (a * alpha + l) * span, span);
            }
        }
        // Over the rows: M̄(i, l) = Σ_a Aᵀ[a][i]·Z(a, l).
        for (int i = 0; i < alpha; i++) {
            WinogradTransform.Terms terms = t.outputColumns[i];
            for (int l = 0; l < alpha; l++) {
                for (int q = 0; q < terms.size(); q++) {
                    offsets[q] = z + (terms.index()[q] * alpha + l) * span;
                }
                VectorOps.linearCombination(stage, offsets, terms.coef(), products, (i * alpha + l) * span, span);
            }
        }
    }

    /**
     * The distance between the phase arrays that {@link PhaseSplit#split} writes: their span and a vector more, so
     * that its whole-vector stores past a row's end land in the next row (written after it) or in this slack.
     */
    private static int splitStride(int span) {
        return span + VectorOps.VL;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
