package org.ddpm4j.tensor.simd;

import static jdk.incubator.vector.VectorOperators.GE;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import org.ddpm4j.tensor.ConvGeometry;

/**
 * A stride-2 convolution of images of even height and width (the U-Net's downsampling), computed on each input
 * channel's four phase planes {@code x[2i + a, 2j + b]}, a and b in {0, 1}. Tap ky reads input row
 * {@code 2·oy − pad + ky}, which is row {@code oy + ⌊(ky − pad)/2⌋} of row phase {@code (ky − pad) mod 2}, and columns
 * likewise: every tap reads one phase plane at a fixed shift. The planes are stored zero-padded at one row stride Wp,
 * so that a tap's unrolled row over an image's output grid, taken Wp columns a row, is one contiguous run of its plane:
 * the GEMM's B is copied run by run instead of gathered pixel by pixel. The price is Wp − Wo junk outputs per row (one
 * for the 3×3 downsampling), computed and dropped.
 *
 * <p>The backward is the adjoint of the same runs. The weight gradient multiplies dY, laid out on the grid with its
 * junk columns zero, by the runs; the input gradient forms the unrolled gradient Wᵀ·dY a block of rows at a time,
 * adds each row into zeroed phase planes as one run, and merges the planes back into image rows.
 */
final class PhasePlaneConvolution {
    /** Rows of the unrolled input gradient formed at once: the block stays in L2 while it is added back. */
    private static final int GRADIENT_ROWS = 16 * Sgemm.MR;
    private static final int VL = VectorOps.VL;
    /** Lane indices, for the masks of {@link Unrolled}'s blends. */
    private static final FloatVector LANES = FloatVector.zero(Sgemm.SPECIES).addIndex(1);
    /** Loads may run a strip of B past a run's end: the planes carry that much slack. */
    private static final int SLACK = Sgemm.NR;

    private final ConvGeometry g;
    private final int k;
    private final int halfWidth;
    private final Axis rows;
    private final Axis columns;
    private final int planeStride;
    private final int channelStride;
    private final int imageStride;
    /** Grid outputs per image: Ho rows of Wp. */
    private final int run;
    /** Per tap {@code ky·k + kx}: where its run starts, from the channel's first plane. */
    private final int[] tapOffset;

    /**
     * One axis of the phase planes: {@code before} zeros ahead of the {@code in/2} values of a phase, {@code length}
     * positions in all, so that every shift a tap takes stays inside.
     */
    record Axis(int before, int length) {
        static Axis of(int in, int out, int kernel, int padding) {
            int lowest = Math.floorDiv(-padding, 2), highest = Math.floorDiv(kernel - 1 - padding, 2);
            int before = -lowest;
            return new Axis(before, before + Math.max(in / 2, out + highest));
        }

        /** The phase tap t reads along this axis. */
        static int phase(int t, int padding) {
            return Math.floorMod(t - padding, 2);
        }

        /** Where tap t's reads start along this axis, for output 0. */
        int shift(int t, int padding) {
            return before + Math.floorDiv(t - padding, 2);
        }
    }

    /** Whether this computes the convolution: stride 2 on even planes, so every phase has H/2 × W/2 values. */
    static boolean applies(ConvGeometry g) {
        return g.spec().stride() == 2 && g.height() % 2 == 0 && g.width() % 2 == 0;
    }

    PhasePlaneConvolution(ConvGeometry g) {
        if (!applies(g)) {
            throw new IllegalArgumentException("phase planes need stride 2 and an even height and width: " + g);
        }
        this.g = g;
        this.k = g.spec().kernel();
        this.halfWidth = g.width() / 2;
        int padding = g.spec().padding();
        this.rows = Axis.of(g.height(), g.outHeight(), k, padding);
        this.columns = Axis.of(g.width(), g.outWidth(), k, padding);
        // A junk output's run may end past its plane by the largest column shift; the next plane's zeros or this
        // slack take it.
        int lastColumnShift = columns.shift(k - 1, padding);
        this.planeStride = rows.length() * columns.length() + lastColumnShift;
        this.channelStride = 4 * planeStride;
        this.imageStride = g.inChannels() * channelStride;
        this.run = g.outHeight() * columns.length();
        this.tapOffset = new int[k * k];
        for (int ky = 0; ky < k; ky++) {
            for (int kx = 0; kx < k; kx++) {
                int plane = 2 * Axis.phase(ky, padding) + Axis.phase(kx, padding);
                tapOffset[ky * k + kx] = plane * planeStride + rows.shift(ky, padding) * columns.length()
                        + columns.shift(kx, padding);
            }
        }
    }

    /**
     * {@code y = x ⋆ w + bias} for output channels [r0, r0 + count) of images [n0, n0 + images), side by side in one
     * GEMM; {@code packedW} holds all of W (Cout × Cin·k·k), {@code bias} may be null.
     */
    void forwardGroup(Sgemm.PackedA packedW, float[] x, float[] bias, float[] y, int n0, int images, int r0,
                              int count) {
        int cout = g.outChannels(), plane = g.outPlane(), columnsPerImage = images * run;
        float[] planes = split(x, n0, images);
        float[] staged = Workspace.current().get(Workspace.Slot.STAGING, count * columnsPerImage);
        Sgemm.gemmPacked(packedW, r0, count, columnsPerImage, 1f, new Unrolled(planes), false, staged, 0,
                columnsPerImage);
        // The grid's rows to NCHW, the junk columns dropped.
        for (int i = 0; i < images; i++) {
            for (int o = 0; o < count; o++) {
                int src = o * columnsPerImage + i * run, dst = ((n0 + i) * cout + r0 + o) * plane;
                storeRows(staged, src, bias == null ? 0f : bias[r0 + o], y, dst);
            }
        }
    }

    /**
     * An output plane's rows from the grid, plus the bias, in whole vectors: a row's last vector may spill into the
     * rows after it, which are written after it; only the rows a spill would carry out of the plane take a scalar
     * tail. Rows shorter than a vector (8 on an 8×8 output) then need neither a scalar loop nor a masked store.
     */
    private void storeRows(float[] staged, int s, float bias, float[] y, int d) {
        int wo = g.outWidth(), ho = g.outHeight(), rounded = roundUp(wo, VL), spill = rounded - wo;
        int spillingRows = spill == 0 ? ho : Math.max(0, ho - ceilDiv(spill, wo));
        FloatVector b = FloatVector.broadcast(Sgemm.SPECIES, bias);
        for (int oy = 0; oy < ho; oy++, s += columns.length(), d += wo) {
            int j = 0;
            for (int end = oy < spillingRows ? rounded : wo / VL * VL; j < end; j += VL) {
                FloatVector.fromArray(Sgemm.SPECIES, staged, s + j).add(b).intoArray(y, d + j);
            }
            for (; j < wo; j++) {
                y[d + j] = staged[s + j] + bias;
            }
        }
    }

    /**
     * The gradients of images [n0, n0 + images): {@code dw[dwOff..] += } their weight gradient (Cout × Cin·k·k), and
     * with {@code transposedW} (Wᵀ packed, Cin·k·k × Cout) {@code dx += } their input gradient. The bias gradient
     * is dY's sums, which the caller forms.
     */
    void backwardGroup(float[] x, float[] dy, int n0, int images, float[] dw, int dwOff, Sgemm.PackedA transposedW,
                       float[] dx) {
        int cout = g.outChannels(), patch = g.patchSize(), width = roundUp(images * run, Sgemm.NR);
        float[] grid = gridOf(dy, n0, images, width);
        // dW += dY · colsᵀ   (Cout × images·Ho·Wp)·(images·Ho·Wp × K)
        Sgemm.gemm(false, cout, patch, images * run, 1f, grid, 0, width, new UnrolledTransposed(split(x, n0, images)),
                true, dw, dwOff, patch);
        if (transposedW != null) {
            addInputGradient(transposedW, grid, width, n0, images, dx);
        }
    }

    /** dY of images [n0, n0 + images) as a Cout × width matrix on the output grid: junk columns and the tail zero. */
    private float[] gridOf(float[] dy, int n0, int images, int width) {
        int cout = g.outChannels(), wo = g.outWidth(), plane = g.outPlane(), wp = columns.length();
        float[] grid = Workspace.current().get(Workspace.Slot.STAGING, cout * width);
        for (int o = 0; o < cout; o++) {
            int row = o * width;
            for (int i = 0; i < images; i++) {
                int src = ((n0 + i) * cout + o) * plane, dst = row + i * run;
                for (int oy = 0; oy < g.outHeight(); oy++) {
                    VectorOps.copy(dy, src + oy * wo, grid, dst + oy * wp, wo);
                    for (int j = dst + oy * wp + wo; j < dst + (oy + 1) * wp; j++) {
                        grid[j] = 0f;
                    }
                }
            }
            Arrays.fill(grid, row + images * run, row + width, 0f);
        }
        return grid;
    }

    /**
     * {@code dx += } the input gradient of images [n0, n0 + images): {@code Wᵀ·dY} on the grid, a block of rows at a
     * time, each row added into the phase planes as the run it was read from, the planes then merged into rows.
     */
    private void addInputGradient(Sgemm.PackedA transposedW, float[] grid, int width, int n0, int images,
                                  float[] dx) {
        Workspace ws = Workspace.current();
        int cout = g.outChannels(), patch = g.patchSize(), taps = k * k, size = images * imageStride + VL;
        float[] packedGrid = ws.get(Workspace.Slot.PACKED_GRID, cout * width);
        new BPacker.Dense(false, grid, 0, width).pack(0, cout, 0, width, packedGrid);
        float[] gradients = ws.get(Workspace.Slot.PHASE_GRADIENTS, size);
        Arrays.fill(gradients, 0, size, 0f);
        float[] block = ws.get(Workspace.Slot.COLUMN_GRADS, GRADIENT_ROWS * width);
        for (int r0 = 0; r0 < patch; r0 += GRADIENT_ROWS) {
            int count = Math.min(GRADIENT_ROWS, patch - r0);
            Sgemm.gemmPrepacked(transposedW, r0, count, width, packedGrid, 0, block, 0, width);
            for (int q = 0; q < count; q++) {
                int p = r0 + q, start = (p / taps) * channelStride + tapOffset[p % taps];
                for (int i = 0; i < images; i++) {
                    VectorOps.addInto(block, q * width + i * run, gradients, i * imageStride + start, run);
                }
            }
        }
        int h = g.height(), w = g.width(), cin = g.inChannels();
        float[] line = ws.get(Workspace.Slot.PACK_LINE, PhaseSplit.readLength(2, halfWidth));
        for (int i = 0; i < images; i++) {
            for (int c = 0; c < cin; c++) {
                int base = i * imageStride + c * channelStride, image = ((n0 + i) * cin + c) * h * w;
                for (int iy = 0; iy < h; iy++) {
                    PhaseSplit.merge(2, gradients, base + rowStart(iy), planeStride, halfWidth, line, 0);
                    VectorOps.addInto(line, 0, dx, image + iy * w, w);
                }
            }
        }
    }

    /**
     * The phase planes of images [n0, n0 + images), written into this thread's workspace: per image and channel the
     * planes (a, b) = (0, 0), (0, 1), (1, 0), (1, 1), each {@link #planeStride} floats, zeros around the values.
     */
    private float[] split(float[] x, int n0, int images) {
        int h = g.height(), w = g.width(), cin = g.inChannels(), whole = halfWidth / VL * VL;
        int wp = columns.length(), left = columns.before(), right = wp - left - halfWidth;
        int above = rows.before() * wp, below = rows.before() * wp + g.height() / 2 * wp;
        float[] planes = Workspace.current().get(Workspace.Slot.PHASE_PLANES, images * imageStride + SLACK);
        for (int i = 0; i < images; i++) {
            for (int c = 0; c < cin; c++) {
                int base = i * imageStride + c * channelStride, image = ((n0 + i) * cin + c) * h * w;
                for (int plane = base; plane < base + channelStride; plane += planeStride) {
                    Arrays.fill(planes, plane, plane + above, 0f);
                    Arrays.fill(planes, plane + below, plane + planeStride, 0f);
                }
                for (int iy = 0; iy < h; iy++) {
                    int src = image + iy * w, dst = base + rowStart(iy);
                    if (whole > 0) {
                        PhaseSplit.split(2, x, src, whole, planes, dst, -1, planeStride);
                    }
                    if (whole < halfWidth) {
                        PhaseSplit.splitTail(x, src + 2 * whole, halfWidth - whole, planes, dst + whole,
                                planeStride);
                    }
                    // The zero columns either side of the row's values, in both column phases.
                    for (int j = dst - left; j < dst; j++) {
                        planes[j] = 0f;
                        planes[j + planeStride] = 0f;
                    }
                    for (int j = dst + halfWidth; j < dst + halfWidth + right; j++) {
                        planes[j] = 0f;
                        planes[j + planeStride] = 0f;
                    }
                }
            }
        }
        Arrays.fill(planes, images * imageStride, images * imageStride + SLACK, 0f);
        return planes;
    }

    /** Where input row iy's even columns start in a channel's planes (its odd ones one plane on). */
    private int rowStart(int iy) {
        return 2 * (iy & 1) * planeStride + ((iy >> 1) + rows.before()) * columns.length() + columns.before();
    }

    /**
     * The unrolled input as B (K = Cin·k·k rows, N = images·Ho·Wp grid columns): row (c, t) of an image is the run of
     * {@link #run} floats from {@code c·channelStride + tapOffset[t]}.
     */
    private final class Unrolled implements BPacker {
        private final float[] planes;

        Unrolled(float[] planes) {
            this.planes = planes;
        }

        /**
         * Strip row by strip row, each two whole vectors: a row that runs into the next image's run takes the rest of
         * its lanes from that run by a blend, and lanes past the block are zeroed, so that neither a masked load or
         * store nor a call per piece is needed. The loads may read past a run, never past the planes' slack.
         */
        @Override
        public void pack(int pc, int kc, int jc, int nc, float[] dst) {
            int taps = k * k, firstImage = jc / run, firstOffset = jc % run;
            for (int q = 0; q < kc; q++) {
                int p = pc + q, start = (p / taps) * channelStride + tapOffset[p % taps];
                for (int col = 0, n = firstImage, r = firstOffset; col < nc; col += Sgemm.NR) {
                    int s = n * imageStride + start + r;
                    FloatVector v0 = FloatVector.fromArray(Sgemm.SPECIES, planes, s);
                    FloatVector v1 = FloatVector.fromArray(Sgemm.SPECIES, planes, s + VL);
                    int inBlock = Math.min(Sgemm.NR, nc - col);
                    for (int e = run - r, m = n + 1; e < inBlock; e += run, m++) {
                        // Lanes from e on: image m's run from its start, loaded as if it began e lanes earlier.
                        int s2 = m * imageStride + start - e;
                        v0 = v0.blend(FloatVector.fromArray(Sgemm.SPECIES, planes, s2), LANES.compare(GE, e));
                        v1 = v1.blend(FloatVector.fromArray(Sgemm.SPECIES, planes, s2 + VL),
                                LANES.compare(GE, e - VL));
                    }
                    if (inBlock < Sgemm.NR) {
                        v0 = v0.blend(0f, LANES.compare(GE, inBlock));
                        v1 = v1.blend(0f, LANES.compare(GE, inBlock - VL));
                    }
                    int d = col * kc + q * Sgemm.NR;
                    v0.intoArray(dst, d);
                    v1.intoArray(dst, d + VL);
                    for (r += Sgemm.NR; r >= run; r -= run) {
                        n++;
                    }
                }
            }
        }
    }

    /**
     * The transposed unrolled input as B (K = images·Ho·Wp grid columns, N = Cin·k·k), for the weight gradient: each
     * strip's NR runs copied into lines, then transposed as a dense matrix.
     */
    private final class UnrolledTransposed implements BPacker {
        private final float[] planes;

        UnrolledTransposed(float[] planes) {
            this.planes = planes;
        }

        @Override
        public void pack(int pc, int kc, int jc, int nc, float[] dst) {
            int taps = k * k, firstImage = pc / run, firstOffset = pc % run;
            float[] lines = Workspace.current().get(Workspace.Slot.PACK_LINE, Sgemm.NR * kc + VL);
            for (int jr = 0; jr < nc; jr += Sgemm.NR) {
                int nr = Math.min(Sgemm.NR, nc - jr);
                for (int j = 0; j < nr; j++) {
                    int p = jc + jr + j, start = (p / taps) * channelStride + tapOffset[p % taps];
                    for (int col = 0, n = firstImage, r = firstOffset; col < kc; n++, r = 0) {
                        int len = Math.min(kc - col, run - r);
                        VectorOps.copy(planes, n * imageStride + start + r, lines, j * kc + col, len);
                        col += len;
                    }
                }
                BPacker.Dense.packTransposed(lines, 0, kc, 0, kc, 0, nr, dst, jr * kc);
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static int roundUp(int a, int b) {
        return ceilDiv(a, b) * b;
    }
}
