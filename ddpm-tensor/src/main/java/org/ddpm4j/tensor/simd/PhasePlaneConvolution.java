package org.ddpm4j.tensor.simd;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import org.ddpm4j.tensor.ConvGeometry;

/**
 * A stride-2 convolution of images of even height and width (the U-Net's downsampling), computed on each input
 * channel's four phase planes {@code x[2i + a, 2j + b]}, a and b in {0, 1}. Tap ky reads input row
 * {@code 2·oy − pad + ky}, which is row {@code oy + ⌊(ky − pad)/2⌋} of row phase {@code (ky − pad) mod 2}, and columns
 * likewise: every tap reads one phase plane at a fixed shift.
 *
 * <p>A group of images shares its planes: each plane row holds the images' rows one after another, each zero-padded
 * to Wp columns, so that a tap's unrolled row over the whole group's output grid (Ho rows of images·Wp outputs) is
 * one contiguous run of its plane: B's rows are copied into packed strips run by run, or, where the strips would
 * serve few rows of W, read where they lie ({@link Sgemm#gemmRowsBlock}). The GEMM runs a block of input channels at
 * a time, each block's planes split just before it reads them (so they are read from L2). The price is Wp − Wo junk
 * outputs per image row (one for the 3×3 downsampling), computed and dropped.
 *
 * <p>The backward is the adjoint of the same runs. The weight gradient multiplies dY, laid out on the grid with its
 * junk columns zero, by the runs; the input gradient forms the unrolled gradient Wᵀ·dY a block of rows at a time,
 * adds each row into zeroed phase planes as one run, and merges the planes back into image rows.
 */
final class PhasePlaneConvolution {
    /**
     * The most rows of W a forward GEMM reads B in place for, rather than packing it: the micro-kernel reads the runs
     * at scattered addresses through a table, slower than a packed strip; the packing pass that saves costs less than
     * the slowdown once its strips serve more than eight micro-tile rows (docs/benchmarks.md, "B read in place").
     */
    private static final int RUNS_MAX_ROWS = 8 * Sgemm.MR;
    /** Rows of the unrolled input gradient formed at once: the block stays in L2 while it is added back. */
    private static final int GRADIENT_ROWS = 16 * Sgemm.MR;
    private static final int VL = VectorOps.VL;
    /** A run is read in whole strips, up to NR − 1 floats past its end: the planes carry that much slack. */
    private static final int SLACK = Sgemm.NR;

    private final ConvGeometry g;
    private final int k;
    private final int halfWidth;
    private final Axis rows;
    private final Axis columns;
    /** Input channels whose planes one K block of the forward's GEMM reads. */
    private final int blockChannels;
    private final Group full;
    private final Group last;

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

    /**
     * Whether this computes the convolution: stride 2 on even planes, so every phase has H/2 × W/2 values, and some
     * input channels (with none the unrolled input has no rows, which the plain GEMM path takes as an empty sum).
     */
    static boolean applies(ConvGeometry g) {
        return g.spec().stride() == 2 && g.height() % 2 == 0 && g.width() % 2 == 0 && g.inChannels() > 0;
    }

    /** The convolution computed {@code imagesPerGroup} images at a time (the batch's last group may hold fewer). */
    PhasePlaneConvolution(ConvGeometry g, int imagesPerGroup) {
        if (!applies(g)) {
            throw new IllegalArgumentException("phase planes need stride 2 and an even height and width: " + g);
        }
        if (imagesPerGroup < 1) {
            throw new IllegalArgumentException("images per group must be positive: " + imagesPerGroup);
        }
        this.g = g;
        this.k = g.spec().kernel();
        this.halfWidth = g.width() / 2;
        int padding = g.spec().padding();
        this.rows = Axis.of(g.height(), g.outHeight(), k, padding);
        this.columns = Axis.of(g.width(), g.outWidth(), k, padding);
        int taps = k * k, cin = g.inChannels();
        this.blockChannels = Math.ceilDiv(cin, Math.ceilDiv(cin * taps, Sgemm.KC));
        int group = Math.min(imagesPerGroup, g.batch()), rest = g.batch() % group;
        this.full = new Group(group);
        this.last = rest == 0 ? full : new Group(rest);
    }

    /**
     * The layout of one group's phase planes: per channel the planes (a, b) = (0, 0), (0, 1), (1, 0), (1, 1), each
     * {@code planeStride} floats, their rows {@code pitch} = images·Wp floats apart.
     */
    private final class Group {
        final int images;
        final int pitch;
        final int planeStride;
        final int channelStride;
        /** Grid outputs of the group: Ho rows of images·Wp. */
        final int run;
        /** The grid's columns read and written: the run in whole strips. */
        final int width;
        /** Per row {@code c·k·k + ky·k + kx} of the unrolled input: where its run starts in the planes. */
        final int[] runStart;

        Group(int images) {
            int padding = g.spec().padding(), taps = k * k;
            this.images = images;
            this.pitch = images * columns.length();
            // A junk output's run may end past its plane by the largest column shift; the next plane's zeros or the
            // slack take it.
            this.planeStride = rows.length() * pitch + columns.shift(k - 1, padding);
            this.channelStride = 4 * planeStride;
            this.run = g.outHeight() * pitch;
            this.width = roundUp(run, Sgemm.NR);
            int[] tapOffset = new int[taps];
            for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++) {
                    int plane = 2 * Axis.phase(ky, padding) + Axis.phase(kx, padding);
                    tapOffset[ky * k + kx] = plane * planeStride + rows.shift(ky, padding) * pitch
                            + columns.shift(kx, padding);
                }
            }
            this.runStart = new int[g.inChannels() * taps];
            for (int p = 0; p < runStart.length; p++) {
                runStart[p] = p / taps * channelStride + tapOffset[p % taps];
            }
        }

        /** The floats of the planes of {@code channels} channels, with the slack a run's last strip reads. */
        int size(int channels) {
            return channels * channelStride + SLACK;
        }

        /** Where image i's input row iy has its even columns in channel 0's planes (its odd ones one plane on). */
        int rowStart(int i, int iy) {
            return 2 * (iy & 1) * planeStride + ((iy >> 1) + rows.before()) * pitch + i * columns.length()
                    + columns.before();
        }

        /** Where image i's output row oy lies on the grid. */
        int gridRow(int i, int oy) {
            return oy * pitch + i * columns.length();
        }
    }

    private Group group(int images) {
        if (images != full.images && images != last.images) {
            throw new IllegalArgumentException(images + " images: groups here hold " + full.images
                    + (last == full ? "" : " or, the batch's last, " + last.images));
        }
        return images == full.images ? full : last;
    }

    /**
     * W (Cout × Cin·k·k) packed for {@link #forwardGroup}: in K blocks of one block of input channels each, the
     * blocks the forward's planes are split in.
     */
    Sgemm.PackedA packWeights(float[] w, float[] buffer) {
        int kk = g.patchSize();
        return Sgemm.PackedA.pack(false, g.outChannels(), kk, blockChannels * k * k, w, 0, kk, buffer, 0);
    }

    /**
     * {@code y = x ⋆ w + bias} for output channels [r0, r0 + count) of images [n0, n0 + images), side by side in one
     * GEMM; {@code packedW} is W from {@link #packWeights}, {@code bias} may be null.
     */
    void forwardGroup(Sgemm.PackedA packedW, float[] x, float[] bias, float[] y, int n0, int images, int r0,
                      int count) {
        Group layout = group(images);
        int cout = g.outChannels(), plane = g.outPlane(), width = layout.width, cin = g.inChannels();
        // Whole tiles: the rows past count are A's zero padding, dropped with the junk columns. A row's last vector
        // may be read past the grid's end.
        int paddedCount = Sgemm.PackedA.paddedRows(count);
        float[] staged = Workspace.current().get(Workspace.Slot.STAGING, paddedCount * width + VL);
        boolean inPlace = paddedCount <= RUNS_MAX_ROWS;
        for (int c0 = 0; c0 < cin; c0 += blockChannels) {
            float[] planes = split(x, n0, layout, c0, Math.min(cin, c0 + blockChannels));
            int pc = c0 * k * k, from = -c0 * layout.channelStride;
            if (inPlace) {
                Sgemm.gemmRowsBlock(packedW, r0, paddedCount, pc, width, planes, from, layout.runStart, c0 > 0,
                        staged, 0, width);
            } else {
                Sgemm.gemmPackedBlock(packedW, r0, paddedCount, pc, width, new Runs(planes, from, layout.runStart),
                        c0 > 0, staged, 0, width);
            }
        }
        for (int i = 0; i < images; i++) {
            for (int o = 0; o < count; o++) {
                storeRows(staged, o * width, layout, i, bias == null ? 0f : bias[r0 + o], y,
                        ((n0 + i) * cout + r0 + o) * plane);
            }
        }
    }

    /**
     * Image i's output plane from the grid's rows, plus the bias, in whole vectors: a row's last vector may spill into
     * the rows after it, which are written after it; only the rows a spill would carry out of the plane take a scalar
     * tail. Rows shorter than a vector (8 on an 8×8 output) then need neither a scalar loop nor a masked store.
     */
    private void storeRows(float[] staged, int s, Group layout, int i, float bias, float[] y, int d) {
        int wo = g.outWidth(), ho = g.outHeight(), rounded = roundUp(wo, VL), spill = rounded - wo;
        int spillingRows = spill == 0 ? ho : Math.max(0, ho - Math.ceilDiv(spill, wo));
        FloatVector b = FloatVector.broadcast(Sgemm.SPECIES, bias);
        for (int oy = 0; oy < ho; oy++, d += wo) {
            int src = s + layout.gridRow(i, oy), j = 0;
            for (int end = oy < spillingRows ? rounded : wo / VL * VL; j < end; j += VL) {
                FloatVector.fromArray(Sgemm.SPECIES, staged, src + j).add(b).intoArray(y, d + j);
            }
            for (; j < wo; j++) {
                y[d + j] = staged[src + j] + bias;
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
        Group layout = group(images);
        int cout = g.outChannels(), patch = g.patchSize();
        float[] grid = gridOf(dy, n0, layout);
        // dW += dY · colsᵀ   (Cout × grid)·(grid × K)
        Sgemm.gemm(false, cout, patch, layout.run, 1f, grid, 0, layout.width,
                new UnrolledTransposed(split(x, n0, layout, 0, g.inChannels()), layout), true, dw, dwOff, patch);
        if (transposedW != null) {
            addInputGradient(transposedW, grid, layout, n0, dx);
        }
    }

    /** dY of a group as a Cout × width matrix on the output grid: junk columns and the tail zero. */
    private float[] gridOf(float[] dy, int n0, Group layout) {
        int cout = g.outChannels(), wo = g.outWidth(), plane = g.outPlane(), wp = columns.length();
        int width = layout.width;
        float[] grid = Workspace.current().get(Workspace.Slot.STAGING, cout * width);
        for (int o = 0; o < cout; o++) {
            int row = o * width;
            for (int i = 0; i < layout.images; i++) {
                int src = ((n0 + i) * cout + o) * plane;
                for (int oy = 0; oy < g.outHeight(); oy++) {
                    int dst = row + layout.gridRow(i, oy);
                    VectorOps.copy(dy, src + oy * wo, grid, dst, wo);
                    for (int j = dst + wo; j < dst + wp; j++) {
                        grid[j] = 0f;
                    }
                }
            }
            Arrays.fill(grid, row + layout.run, row + width, 0f);
        }
        return grid;
    }

    /**
     * {@code dx += } the input gradient of a group: {@code Wᵀ·dY} on the grid, a block of rows at a time, each row
     * added into the phase planes as the run it was read from, the planes then merged into rows.
     */
    private void addInputGradient(Sgemm.PackedA transposedW, float[] grid, Group layout, int n0, float[] dx) {
        Workspace ws = Workspace.current();
        int cout = g.outChannels(), patch = g.patchSize(), width = layout.width, size = layout.size(g.inChannels());
        float[] packedGrid = ws.get(Workspace.Slot.PACKED_GRID, cout * width);
        new BPacker.Dense(false, grid, 0, width).pack(0, cout, 0, width, packedGrid);
        float[] gradients = ws.get(Workspace.Slot.PHASE_GRADIENTS, size);
        Arrays.fill(gradients, 0, size, 0f);
        float[] block = ws.get(Workspace.Slot.COLUMN_GRADS, GRADIENT_ROWS * width);
        for (int r0 = 0; r0 < patch; r0 += GRADIENT_ROWS) {
            int count = Math.min(GRADIENT_ROWS, patch - r0);
            Sgemm.gemmPrepacked(transposedW, r0, count, width, packedGrid, 0, block, 0, width);
            for (int q = 0; q < count; q++) {
                VectorOps.addInto(block, q * width, gradients, layout.runStart[r0 + q], layout.run);
            }
        }
        int h = g.height(), w = g.width(), cin = g.inChannels();
        float[] line = ws.get(Workspace.Slot.PACK_LINE, PhaseSplit.readLength(2, halfWidth));
        for (int c = 0; c < cin; c++) {
            for (int i = 0; i < layout.images; i++) {
                int image = ((n0 + i) * cin + c) * h * w;
                for (int iy = 0; iy < h; iy++) {
                    PhaseSplit.merge(2, gradients, c * layout.channelStride + layout.rowStart(i, iy),
                            layout.planeStride, halfWidth, line, 0);
                    VectorOps.addInto(line, 0, dx, image + iy * w, w);
                }
            }
        }
    }

    /**
     * The phase planes of channels [c0, c1) of images [n0, n0 + layout.images), written into this thread's workspace
     * from its start, zeros around them.
     */
    private float[] split(float[] x, int n0, Group layout, int c0, int c1) {
        int h = g.height(), w = g.width(), cin = g.inChannels(), whole = halfWidth / VL * VL;
        int pitch = layout.pitch, ps = layout.planeStride, left = columns.before();
        int right = columns.length() - left - halfWidth;
        int above = rows.before() * pitch, below = (rows.before() + h / 2) * pitch;
        float[] planes = Workspace.current().get(Workspace.Slot.PHASE_PLANES, layout.size(c1 - c0));
        for (int c = c0; c < c1; c++) {
            int base = (c - c0) * layout.channelStride;
            for (int plane = base; plane < base + layout.channelStride; plane += ps) {
                Arrays.fill(planes, plane, plane + above, 0f);
                Arrays.fill(planes, plane + below, plane + ps, 0f);
            }
            for (int i = 0; i < layout.images; i++) {
                int image = ((n0 + i) * cin + c) * h * w;
                for (int iy = 0; iy < h; iy++) {
                    int src = image + iy * w, dst = base + layout.rowStart(i, iy);
                    if (whole > 0) {
                        PhaseSplit.split(2, x, src, whole, planes, dst, -1, ps);
                    }
                    if (whole < halfWidth) {
                        PhaseSplit.splitTail(x, src + 2 * whole, halfWidth - whole, planes, dst + whole, ps);
                    }
                    // The zero columns either side of the image's values, in both column phases.
                    for (int j = dst - left; j < dst; j++) {
                        planes[j] = 0f;
                        planes[j + ps] = 0f;
                    }
                    for (int j = dst + halfWidth; j < dst + halfWidth + right; j++) {
                        planes[j] = 0f;
                        planes[j + ps] = 0f;
                    }
                }
            }
        }
        Arrays.fill(planes, (c1 - c0) * layout.channelStride, layout.size(c1 - c0), 0f);
        return planes;
    }

    /**
     * The unrolled input as B (K = Cin·k·k rows, N = the grid's columns) for a packed GEMM: row p is the run from
     * {@code from + runStart[p]}, copied strip by strip.
     */
    private record Runs(float[] planes, int from, int[] runStart) implements BPacker {
        @Override
        public void pack(int pc, int kc, int jc, int nc, float[] dst) {
            for (int q = 0; q < kc; q++) {
                int s = from + runStart[pc + q] + jc;
                for (int col = 0; col < nc; col += Sgemm.NR) {
                    int d = col * kc + q * Sgemm.NR;
                    FloatVector.fromArray(Sgemm.SPECIES, planes, s + col).intoArray(dst, d);
                    FloatVector.fromArray(Sgemm.SPECIES, planes, s + col + VL).intoArray(dst, d + VL);
                }
            }
        }
    }

    /**
     * The transposed unrolled input as B (K = the grid's columns, N = Cin·k·k), for the weight gradient: each strip's
     * NR runs copied into lines, then transposed as a dense matrix.
     */
    private static final class UnrolledTransposed implements BPacker {
        private final float[] planes;
        private final Group layout;

        UnrolledTransposed(float[] planes, Group layout) {
            this.planes = planes;
            this.layout = layout;
        }

        @Override
        public void pack(int pc, int kc, int jc, int nc, float[] dst) {
            float[] lines = Workspace.current().get(Workspace.Slot.PACK_LINE, Sgemm.NR * kc + VL);
            for (int jr = 0; jr < nc; jr += Sgemm.NR) {
                int nr = Math.min(Sgemm.NR, nc - jr);
                for (int j = 0; j < nr; j++) {
                    VectorOps.copy(planes, layout.runStart[jc + jr + j] + pc, lines, j * kc, kc);
                }
                BPacker.Dense.packTransposed(lines, 0, kc, 0, kc, 0, nr, dst, jr * kc);
            }
        }
    }

    private static int roundUp(int a, int b) {
        return Math.ceilDiv(a, b) * b;
    }
}
