package org.ddpm4j.tensor.simd;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-threaded packed SGEMM, {@code C = α·op(A)·op(B) (+ C)}, in the Goto/BLIS layout: B is packed in
 * KC×NR strips and A in MR×KC strips, then a register-blocked MR×NR micro-kernel runs FMAs over the packed
 * strips. Callers parallelise over independent products (images, batch entries, column blocks).
 *
 * <p>The micro-kernel keeps its MR·2 accumulators in local variables inside one method and never passes a vector
 * across a call, so nothing is boxed even when C2 declines to inline a helper. Its rows depend on the machine's vector
 * registers ({@link #MR}); each row count has a kernel of its own, written out for the same reason.
 */
final class Sgemm {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int VL = SPECIES.length();
    /** The system property that sets {@link #MR}. */
    static final String ROWS_PROPERTY = "ddpm.gemm.rows";
    /**
     * Rows of the micro-tile: one broadcast of A per row and step. Its MR·2 accumulators must stay in vector registers
     * beside the two B vectors and the broadcasts that C2 schedules early. 8 rows fit AVX-512's 32 registers (and an
     * ARM core's 32). x86 without AVX-512 has 16: there C2 spilled accumulators of an 8-row kernel, and even of a
     * 6-row one, to the stack, and each spilled FMA waited on its own store of the step before, so 4 rows, which need
     * no spill, ran faster than either (docs/benchmarks.md, "An AVX2 machine"). {@value #ROWS_PROPERTY} (4 or 8)
     * overrides the choice.
     */
    static final int MR = tileRows(System.getProperty(ROWS_PROPERTY), System.getProperty("os.arch"), VL);
    /** Columns of the micro-tile: two vectors. */
    static final int NR = 2 * VL;
    /**
     * Most depth of a packed block: a KC×NR strip of B stays in L1 (48 KiB here) while the micro-kernel walks the
     * A strips. K is cut into equal blocks no deeper than this, so that no thin last block pays the C update alone.
     */
    static final int KC = 256;
    /** Columns of B packed at once (multiple of NR). */
    static final int NC = 2048 / NR * NR;

    private Sgemm() {
    }

    /** The rows of the micro-tile for a {@code rows} setting (null: none), an {@code os.arch} and a vector length. */
    static int tileRows(String rows, String arch, int lanes) {
        if (rows != null) {
            return switch (rows.strip()) {
                case "4" -> 4;
                case "8" -> 8;
                default -> throw new IllegalArgumentException(ROWS_PROPERTY + "=" + rows + ": expected 4 or 8");
            };
        }
        boolean x86 = arch != null && (arch.equals("amd64") || arch.equals("x86_64"));
        // 16 float lanes mean AVX-512 and its 32 registers; fewer on x86 mean AVX2 (or SSE) and 16.
        return x86 && lanes < 16 ? 4 : 8;
    }

    /**
     * Computes {@code C[m×n] = α·op(A)·op(B) (+ C if accumulate)} on row-major arrays, where op(A) is {@code m×k}
     * ({@code A} stored {@code k×m} if transA) and op(B) is {@code k×n} ({@code B} stored {@code n×k} if transB).
     */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     boolean accumulate, float[] c, int cOff, int ldc) {
        gemm(transA, m, n, k, alpha, a, aOff, lda, new BPacker.Dense(transB, b, bOff, ldb), accumulate, c, cOff, ldc);
    }

    /** {@code C[m×n] = α·op(A)·B (+ C)} with B supplied by a packer ({@code k×n}). */
    static void gemm(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff, int lda, BPacker b,
                     boolean accumulate, float[] c, int cOff, int ldc) {
        float[] buffer = Workspace.current().get(Workspace.Slot.PACK_A, PackedA.size(m, k));
        PackedA packed = PackedA.pack(transA, m, k, a, aOff, lda, buffer);
        gemmPacked(packed, 0, m, n, alpha, b, accumulate, c, cOff, ldc);
    }

    /**
     * All of op(A) ({@code m×k}) packed for {@link #gemmPacked}: for each block of {@code depth} columns (at most KC
     * unless a caller chose otherwise), the MR-row strips of every row, each stored k-major and zero-padded to MR
     * rows. A matrix used against many B's (a convolution's weights against every image) is packed once and shared
     * read-only between threads.
     */
    record PackedA(float[] data, int offset, int m, int k, int depth) {
        static int size(int m, int k) {
            return paddedRows(m) * k;
        }

        static int paddedRows(int m) {
            return Math.ceilDiv(m, MR) * MR;
        }

        static PackedA pack(boolean transA, int m, int k, float[] a, int aOff, int lda, float[] buffer) {
            return pack(transA, m, k, a, aOff, lda, buffer, 0);
        }

        /** Packs into {@code buffer[bufferOff..bufferOff + size(m, k))}, so that several share one buffer. */
        static PackedA pack(boolean transA, int m, int k, float[] a, int aOff, int lda, float[] buffer, int bufferOff) {
            return pack(transA, m, k, blockDepth(k), a, aOff, lda, buffer, bufferOff);
        }

        /** Packs in K blocks of {@code depth} (the last one shallower), for a caller whose B comes in such blocks. */
        static PackedA pack(boolean transA, int m, int k, int depth, float[] a, int aOff, int lda, float[] buffer,
                            int bufferOff) {
            for (int pc = 0; pc < k; pc += depth) {
                packABlock(transA, a, aOff, lda, 0, pc, m, Math.min(depth, k - pc), buffer,
                        bufferOff + pc * paddedRows(m));
            }
            return new PackedA(buffer, bufferOff, m, k, depth);
        }
    }

    /**
     * {@code C = α·A[rowOff..rowOff+rows]·op(B) (+ C)} with A packed; {@code rowOff} must be a multiple of MR.
     * C's first row is the product's row {@code rowOff}.
     */
    static void gemmPacked(PackedA a, int rowOff, int rows, int n, float alpha, BPacker b, boolean accumulate,
                           float[] c, int cOff, int ldc) {
        int k = a.k();
        if (rows == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            emptySum(rows, n, accumulate, c, cOff, ldc);
            return;
        }
        Workspace ws = Workspace.current();
        int depth = a.depth();
        float[] packB = ws.get(Workspace.Slot.PACK_B, depth * NC);
        float[] tile = ws.get(Workspace.Slot.TILE, MR * NR);
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += depth) {
                int kc = Math.min(depth, k - pc);
                b.pack(pc, kc, jc, nc, packB);
                strips(a, rowOff, rows, pc, kc, packB, 0, kc * NR, nc, alpha, accumulate || pc > 0, c, cOff + jc,
                        ldc, tile);
            }
        }
    }

    /**
     * {@code C[m×n] = A·B} with A packed and B already in the packed layout for all of K: the NR-column strip s at
     * {@code b[bOff + s·k·NR ..]}, k-major, so that no packing pass runs. n must be a multiple of NR.
     */
    static void gemmPrepacked(PackedA a, int n, float[] b, int bOff, float[] c, int cOff, int ldc) {
        gemmPrepacked(a, 0, a.m(), n, b, bOff, c, cOff, ldc);
    }

    /**
     * {@link #gemmPrepacked(PackedA, int, float[], int, float[], int, int)} for A's rows [rowOff, rowOff + rows) only,
     * {@code rowOff} a multiple of MR; C's first row is the product's row {@code rowOff}.
     */
    static void gemmPrepacked(PackedA a, int rowOff, int rows, int n, float[] b, int bOff, float[] c, int cOff,
                              int ldc) {
        int k = a.k(), depth = a.depth();
        if (k == 0) {
            emptySum(rows, n, false, c, cOff, ldc);
            return;
        }
        float[] tile = Workspace.current().get(Workspace.Slot.TILE, MR * NR);
        for (int pc = 0; pc < k; pc += depth) {
            strips(a, rowOff, rows, pc, Math.min(depth, k - pc), b, bOff + pc * NR, k * NR, n, 1f, pc > 0, c, cOff,
                    ldc, tile);
        }
    }

    /**
     * One K block of {@code C (+)= A[rowOff..rowOff+rows]·B} with A packed and B packed by {@code b}: the block of A's
     * columns [pc, pc + a.depth()), B's rows likewise. C is added to when {@code add}.
     */
    static void gemmPackedBlock(PackedA a, int rowOff, int rows, int pc, int n, BPacker b, boolean add, float[] c,
                                int cOff, int ldc) {
        Workspace ws = Workspace.current();
        int kc = Math.min(a.depth(), a.k() - pc);
        float[] packB = ws.get(Workspace.Slot.PACK_B, a.depth() * NC), tile = ws.get(Workspace.Slot.TILE, MR * NR);
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            b.pack(pc, kc, jc, nc, packB);
            strips(a, rowOff, rows, pc, kc, packB, 0, kc * NR, nc, 1f, add, c, cOff + jc, ldc, tile);
        }
    }

    /**
     * One K block of {@code C (+)= A[rowOff..rowOff+rows]·B} with A packed and B read where it lies: the block of A's
     * columns [pc, pc + a.depth()), and {@code B(p, j) = b[bOff + runStart[p] + j]} for its rows, runs of one array
     * at no common stride (a convolution's taps over its phase planes), so that no packing pass runs. C is added to
     * when {@code add}. {@code rowOff} and {@code rows} are multiples of MR and {@code n} of NR: C holds whole tiles.
     * Each run is read n floats on.
     */
    static void gemmRowsBlock(PackedA a, int rowOff, int rows, int pc, int n, float[] b, int bOff, int[] runStart,
                              boolean add, float[] c, int cOff, int ldc) {
        int kc = Math.min(a.depth(), a.k() - pc);
        int blockOff = a.offset() + pc * PackedA.paddedRows(a.m()) + rowOff * kc;
        for (int jr = 0; jr < n; jr += NR) {
            for (int ir = 0; ir < rows; ir += MR) {
                if (MR == 8) {
                    runsMicroKernel8(kc, a.data(), blockOff + ir * kc, b, bOff + jr, runStart, pc, c,
                            cOff + ir * ldc + jr, ldc, add);
                } else {
                    runsMicroKernel4(kc, a.data(), blockOff + ir * kc, b, bOff + jr, runStart, pc, c,
                            cOff + ir * ldc + jr, ldc, add);
                }
            }
        }
    }

    /**
     * The micro-tiles of one K block (depth kc from pc): every MR-row strip of A's rows [rowOff, rowOff + rows)
     * against every NR-column strip of B, strip s at {@code b[bStart + s·stripStride ..]}.
     */
    private static void strips(PackedA a, int rowOff, int rows, int pc, int kc, float[] b, int bStart,
                               int stripStride, int n, float alpha, boolean add, float[] c, int cOff, int ldc,
                               float[] tile) {
        int blockOff = a.offset() + pc * PackedA.paddedRows(a.m()) + rowOff * kc;
        for (int jr = 0; jr < n; jr += NR) {
            int nr = Math.min(NR, n - jr), bo = bStart + (jr / NR) * stripStride;
            for (int ir = 0; ir < rows; ir += MR) {
                int mr = Math.min(MR, rows - ir);
                if (MR == 8) {
                    microKernel8(kc, a.data(), blockOff + ir * kc, b, bo, c, cOff + ir * ldc + jr, ldc, mr, nr, alpha,
                            add, tile);
                } else {
                    microKernel4(kc, a.data(), blockOff + ir * kc, b, bo, c, cOff + ir * ldc + jr, ldc, mr, nr, alpha,
                            add, tile);
                }
            }
        }
    }

    /** Packs op(A)[ic..ic+mc, pc..pc+kc] into MR-row strips at {@code dst[d..]}, each k-major, zero-padded to MR rows. */
    private static void packABlock(boolean transA, float[] a, int aOff, int lda, int ic, int pc, int mc, int kc,
                                   float[] dst, int dstOff) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int d = dstOff + ir * kc;
            if (transA) {
                // op(A)(i, p) = a[p·lda + i]: MR consecutive values per p, copied as the preferred species' lanes
                // (masked where MR is less than a vector). Not as a vector species of MR lanes: a second species in
                // these methods made C2 give up the micro-kernel's intrinsics (its vectors then became heap objects).
                for (int p = 0; p < kc; p++) {
                    VectorOps.copy(a, aOff + (pc + p) * lda + ic + ir, dst, d, mr);
                    for (int r = mr; r < MR; r++) {
                        dst[d + r] = 0f;
                    }
                    d += MR;
                }
            } else {
                int p0 = 0;
                if (mr == MR && LaneTranspose.supports(MR)) {
                    // MR rows, VL deep at a time, interleaved in registers.
                    int blocks = kc / VL;
                    LaneTranspose.transpose(MR, blocks, a, aOff + (ic + ir) * lda + pc, VL, lda, dst, d, VL * MR, VL);
                    p0 = blocks * VL;
                }
                for (int r = 0; r < MR; r++) {
                    if (r < mr) {
                        int src = aOff + (ic + ir + r) * lda + pc;
                        for (int p = p0; p < kc; p++) {
                            dst[d + p * MR + r] = a[src + p];
                        }
                    } else {
                        for (int p = 0; p < kc; p++) {
                            dst[d + p * MR + r] = 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * A product of depth zero, an empty sum: C's {@code rows × n} are zero, or left as they are when the product is
     * added to them. A linear layer's weight gradient over a batch of no samples, a convolution of no input channels,
     * and the input gradient of one to no output channels are such products; with no K block to run, the micro-kernel
     * never writes C.
     */
    private static void emptySum(int rows, int n, boolean accumulate, float[] c, int cOff, int ldc) {
        if (accumulate) {
            return;
        }
        for (int i = 0; i < rows; i++) {
            Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
        }
    }

    /**
     * The depth of every K block but the last: K split into equal blocks of at most KC. An empty K (a convolution of no
     * input channels) has no blocks; its depth is 1 so that a loop over blocks stops at once.
     */
    static int blockDepth(int k) {
        return k == 0 ? 1 : Math.ceilDiv(k, Math.ceilDiv(k, KC));
    }

    /**
     * One MR×NR tile of C from a packed A strip and a packed B strip. Full tiles are stored straight into C;
     * edge tiles (mr &lt; MR or nr &lt; NR) go through {@code tile} so that no store leaves the matrix.
     */
    private static void microKernel8(int kc, float[] pa, int ao, float[] pb, int bo, float[] c, int co, int ldc,
                                     int mr, int nr, float alpha, boolean add, float[] tile) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES);
        FloatVector c40 = FloatVector.zero(SPECIES), c41 = FloatVector.zero(SPECIES);
        FloatVector c50 = FloatVector.zero(SPECIES), c51 = FloatVector.zero(SPECIES);
        FloatVector c60 = FloatVector.zero(SPECIES), c61 = FloatVector.zero(SPECIES);
        FloatVector c70 = FloatVector.zero(SPECIES), c71 = FloatVector.zero(SPECIES);
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, pb, bo);
            FloatVector b1 = FloatVector.fromArray(SPECIES, pb, bo + VL);
            FloatVector a0 = FloatVector.broadcast(SPECIES, pa[ao]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(SPECIES, pa[ao + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(SPECIES, pa[ao + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(SPECIES, pa[ao + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(SPECIES, pa[ao + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(SPECIES, pa[ao + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(SPECIES, pa[ao + 6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(SPECIES, pa[ao + 7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
            ao += MR;
            bo += NR;
        }
        if (alpha != 1f) {
            c00 = c00.mul(alpha);
            c01 = c01.mul(alpha);
            c10 = c10.mul(alpha);
            c11 = c11.mul(alpha);
            c20 = c20.mul(alpha);
            c21 = c21.mul(alpha);
            c30 = c30.mul(alpha);
            c31 = c31.mul(alpha);
            c40 = c40.mul(alpha);
            c41 = c41.mul(alpha);
            c50 = c50.mul(alpha);
            c51 = c51.mul(alpha);
            c60 = c60.mul(alpha);
            c61 = c61.mul(alpha);
            c70 = c70.mul(alpha);
            c71 = c71.mul(alpha);
        }
        if (mr == MR && nr == NR) {
            if (add) {
                c00 = c00.add(FloatVector.fromArray(SPECIES, c, co));
                c01 = c01.add(FloatVector.fromArray(SPECIES, c, co + VL));
                c10 = c10.add(FloatVector.fromArray(SPECIES, c, co + ldc));
                c11 = c11.add(FloatVector.fromArray(SPECIES, c, co + ldc + VL));
                c20 = c20.add(FloatVector.fromArray(SPECIES, c, co + 2 * ldc));
                c21 = c21.add(FloatVector.fromArray(SPECIES, c, co + 2 * ldc + VL));
                c30 = c30.add(FloatVector.fromArray(SPECIES, c, co + 3 * ldc));
                c31 = c31.add(FloatVector.fromArray(SPECIES, c, co + 3 * ldc + VL));
                c40 = c40.add(FloatVector.fromArray(SPECIES, c, co + 4 * ldc));
                c41 = c41.add(FloatVector.fromArray(SPECIES, c, co + 4 * ldc + VL));
                c50 = c50.add(FloatVector.fromArray(SPECIES, c, co + 5 * ldc));
                c51 = c51.add(FloatVector.fromArray(SPECIES, c, co + 5 * ldc + VL));
                c60 = c60.add(FloatVector.fromArray(SPECIES, c, co + 6 * ldc));
                c61 = c61.add(FloatVector.fromArray(SPECIES, c, co + 6 * ldc + VL));
                c70 = c70.add(FloatVector.fromArray(SPECIES, c, co + 7 * ldc));
                c71 = c71.add(FloatVector.fromArray(SPECIES, c, co + 7 * ldc + VL));
            }
            c00.intoArray(c, co);
            c01.intoArray(c, co + VL);
            c10.intoArray(c, co + ldc);
            c11.intoArray(c, co + ldc + VL);
            c20.intoArray(c, co + 2 * ldc);
            c21.intoArray(c, co + 2 * ldc + VL);
            c30.intoArray(c, co + 3 * ldc);
            c31.intoArray(c, co + 3 * ldc + VL);
            c40.intoArray(c, co + 4 * ldc);
            c41.intoArray(c, co + 4 * ldc + VL);
            c50.intoArray(c, co + 5 * ldc);
            c51.intoArray(c, co + 5 * ldc + VL);
            c60.intoArray(c, co + 6 * ldc);
            c61.intoArray(c, co + 6 * ldc + VL);
            c70.intoArray(c, co + 7 * ldc);
            c71.intoArray(c, co + 7 * ldc + VL);
            return;
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, VL);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + VL);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + VL);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + VL);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + VL);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + VL);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + VL);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + VL);
        for (int i = 0; i < mr; i++) {
            int ci = co + i * ldc;
            for (int j = 0; j < nr; j++) {
                c[ci + j] = add ? c[ci + j] + tile[i * NR + j] : tile[i * NR + j];
            }
        }
    }

    /** {@link #microKernel8} for four rows: see {@link #MR}. */
    private static void microKernel4(int kc, float[] pa, int ao, float[] pb, int bo, float[] c, int co, int ldc,
                                     int mr, int nr, float alpha, boolean add, float[] tile) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES);
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, pb, bo);
            FloatVector b1 = FloatVector.fromArray(SPECIES, pb, bo + VL);
            FloatVector a0 = FloatVector.broadcast(SPECIES, pa[ao]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(SPECIES, pa[ao + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(SPECIES, pa[ao + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(SPECIES, pa[ao + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            ao += MR;
            bo += NR;
        }
        if (alpha != 1f) {
            c00 = c00.mul(alpha);
            c01 = c01.mul(alpha);
            c10 = c10.mul(alpha);
            c11 = c11.mul(alpha);
            c20 = c20.mul(alpha);
            c21 = c21.mul(alpha);
            c30 = c30.mul(alpha);
            c31 = c31.mul(alpha);
        }
        if (mr == MR && nr == NR) {
            if (add) {
                c00 = c00.add(FloatVector.fromArray(SPECIES, c, co));
                c01 = c01.add(FloatVector.fromArray(SPECIES, c, co + VL));
                c10 = c10.add(FloatVector.fromArray(SPECIES, c, co + ldc));
                c11 = c11.add(FloatVector.fromArray(SPECIES, c, co + ldc + VL));
                c20 = c20.add(FloatVector.fromArray(SPECIES, c, co + 2 * ldc));
                c21 = c21.add(FloatVector.fromArray(SPECIES, c, co + 2 * ldc + VL));
                c30 = c30.add(FloatVector.fromArray(SPECIES, c, co + 3 * ldc));
                c31 = c31.add(FloatVector.fromArray(SPECIES, c, co + 3 * ldc + VL));
            }
            c00.intoArray(c, co);
            c01.intoArray(c, co + VL);
            c10.intoArray(c, co + ldc);
            c11.intoArray(c, co + ldc + VL);
            c20.intoArray(c, co + 2 * ldc);
            c21.intoArray(c, co + 2 * ldc + VL);
            c30.intoArray(c, co + 3 * ldc);
            c31.intoArray(c, co + 3 * ldc + VL);
            return;
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, VL);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + VL);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + VL);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + VL);
        for (int i = 0; i < mr; i++) {
            int ci = co + i * ldc;
            for (int j = 0; j < nr; j++) {
                c[ci + j] = add ? c[ci + j] + tile[i * NR + j] : tile[i * NR + j];
            }
        }
    }

    /**
     * One whole MR×NR tile of C (added to C when {@code add}) from a packed A strip and B's rows
     * {@code b[bo + runStart[r0..r0+kc)]}, NR floats of each: {@link #microKernel8}'s loop with each step's B read
     * where its row lies. Its body repeats that kernel's on purpose: the sixteen accumulators cannot be handed to a
     * shared helper without being boxed wherever C2 declines to inline it, and a table in the packed kernel too (rows
     * p·NR apart) would slow every other GEMM by its lookups (docs/benchmarks.md, "B read in place").
     */
    private static void runsMicroKernel8(int kc, float[] pa, int ao, float[] b, int bo, int[] runStart, int r0,
                                         float[] c, int co, int ldc, boolean add) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES);
        FloatVector c40 = FloatVector.zero(SPECIES), c41 = FloatVector.zero(SPECIES);
        FloatVector c50 = FloatVector.zero(SPECIES), c51 = FloatVector.zero(SPECIES);
        FloatVector c60 = FloatVector.zero(SPECIES), c61 = FloatVector.zero(SPECIES);
        FloatVector c70 = FloatVector.zero(SPECIES), c71 = FloatVector.zero(SPECIES);
        for (int p = r0; p < r0 + kc; p++) {
            int s = bo + runStart[p];
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, s);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, s + VL);
            FloatVector a0 = FloatVector.broadcast(SPECIES, pa[ao]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(SPECIES, pa[ao + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(SPECIES, pa[ao + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(SPECIES, pa[ao + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(SPECIES, pa[ao + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(SPECIES, pa[ao + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(SPECIES, pa[ao + 6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(SPECIES, pa[ao + 7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
            ao += MR;
        }
        if (add) {
            c00 = c00.add(FloatVector.fromArray(SPECIES, c, co));
            c01 = c01.add(FloatVector.fromArray(SPECIES, c, co + VL));
            c10 = c10.add(FloatVector.fromArray(SPECIES, c, co + ldc));
            c11 = c11.add(FloatVector.fromArray(SPECIES, c, co + ldc + VL));
            c20 = c20.add(FloatVector.fromArray(SPECIES, c, co + 2 * ldc));
            c21 = c21.add(FloatVector.fromArray(SPECIES, c, co + 2 * ldc + VL));
            c30 = c30.add(FloatVector.fromArray(SPECIES, c, co + 3 * ldc));
            c31 = c31.add(FloatVector.fromArray(SPECIES, c, co + 3 * ldc + VL));
            c40 = c40.add(FloatVector.fromArray(SPECIES, c, co + 4 * ldc));
            c41 = c41.add(FloatVector.fromArray(SPECIES, c, co + 4 * ldc + VL));
            c50 = c50.add(FloatVector.fromArray(SPECIES, c, co + 5 * ldc));
            c51 = c51.add(FloatVector.fromArray(SPECIES, c, co + 5 * ldc + VL));
            c60 = c60.add(FloatVector.fromArray(SPECIES, c, co + 6 * ldc));
            c61 = c61.add(FloatVector.fromArray(SPECIES, c, co + 6 * ldc + VL));
            c70 = c70.add(FloatVector.fromArray(SPECIES, c, co + 7 * ldc));
            c71 = c71.add(FloatVector.fromArray(SPECIES, c, co + 7 * ldc + VL));
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + VL);
        c10.intoArray(c, co + ldc);
        c11.intoArray(c, co + ldc + VL);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + VL);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + VL);
        c40.intoArray(c, co + 4 * ldc);
        c41.intoArray(c, co + 4 * ldc + VL);
        c50.intoArray(c, co + 5 * ldc);
        c51.intoArray(c, co + 5 * ldc + VL);
        c60.intoArray(c, co + 6 * ldc);
        c61.intoArray(c, co + 6 * ldc + VL);
        c70.intoArray(c, co + 7 * ldc);
        c71.intoArray(c, co + 7 * ldc + VL);
    }

    /** {@link #runsMicroKernel8} for four rows: see {@link #MR}. */
    private static void runsMicroKernel4(int kc, float[] pa, int ao, float[] b, int bo, int[] runStart, int r0,
                                         float[] c, int co, int ldc, boolean add) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES);
        for (int p = r0; p < r0 + kc; p++) {
            int s = bo + runStart[p];
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, s);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, s + VL);
            FloatVector a0 = FloatVector.broadcast(SPECIES, pa[ao]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(SPECIES, pa[ao + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(SPECIES, pa[ao + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(SPECIES, pa[ao + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            ao += MR;
        }
        if (add) {
            c00 = c00.add(FloatVector.fromArray(SPECIES, c, co));
            c01 = c01.add(FloatVector.fromArray(SPECIES, c, co + VL));
            c10 = c10.add(FloatVector.fromArray(SPECIES, c, co + ldc));
            c11 = c11.add(FloatVector.fromArray(SPECIES, c, co + ldc + VL));
            c20 = c20.add(FloatVector.fromArray(SPECIES, c, co + 2 * ldc));
            c21 = c21.add(FloatVector.fromArray(SPECIES, c, co + 2 * ldc + VL));
            c30 = c30.add(FloatVector.fromArray(SPECIES, c, co + 3 * ldc));
            c31 = c31.add(FloatVector.fromArray(SPECIES, c, co + 3 * ldc + VL));
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + VL);
        c10.intoArray(c, co + ldc);
        c11.intoArray(c, co + ldc + VL);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + VL);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + VL);
    }
}
