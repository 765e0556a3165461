package org.ddpm4j.tensor.opencl;

/**
 * One tiled matrix product {@code C[i,j] (+)= Σ_p A[i,p]·B[p,j]} behind the convolution (forward, input gradient,
 * weight gradient, as implicit GEMMs: the im2col matrix is never built, its elements are fetched where they lie) and
 * the batched matmul.
 *
 * <p>Each work group of {@value #THREADS} items owns a {@value #TILE}×{@value #TILE} block of C; per step of
 * {@value #DEPTH} along p the group stages the A and B panels in local memory, then every item accumulates a 4×4
 * register block (rows {@code r + 8·i}, columns {@code c + 8·j}, so neighbouring items read neighbouring local
 * words). Each staged element is read 32 times from local memory instead of once per output from global memory.
 * {@link WideTileGemmKernel} computes the same products on 64×64 tiles; {@link GemmTiles} chooses per product.
 *
 * <p>Which tensor elements A, B and C stand for is set by {@link #mode}:
 * <ul>
 *   <li>{@link #CONV_FORWARD}: A = w {@code [Cout, Cin·k·k]}, B = im2col(x) {@code [Cin·k·k, N·Ho·Wo]},
 *       C = y (+ bias).</li>
 *   <li>{@link #CONV_INPUT_GRAD}: A = w regrouped {@code [Cin, Cout·k·k]}, B = the dy gathered for each input
 *       position {@code [Cout·k·k, N·H·W]}, C = dx (accumulated).</li>
 *   <li>{@link #CONV_WEIGHT_GRAD}: A = dy {@code [Cout, N·Ho·Wo]}, B = im2col(x)ᵀ {@code [N·Ho·Wo, Cin·k·k]},
 *       C = dw (accumulated), or, cut along the inner dimension ({@link WeightGradientSplit}), C = one partial dw per
 *       slice of {@link #splitDepth} steps, the slice standing where a batch entry stands.</li>
 *   <li>{@link #MATMUL}: op(a) and op(b) of each batch entry, C = α·AB (+ c).</li>
 * </ul>
 */
class ImplicitGemmKernel extends DeviceKernel {
    static final int CONV_FORWARD = 0;
    static final int CONV_INPUT_GRAD = 1;
    static final int CONV_WEIGHT_GRAD = 2;
    static final int MATMUL = 3;
    /** Rows and columns of C per work group. */
    static final int TILE = 32;
    /** Steps along the inner dimension staged at once. */
    static final int DEPTH = 16;
    /** Work items per group: each computes 4×4 outputs of the tile. */
    static final int THREADS = GROUP_SIZE;
    /** Elements of each panel an item loads. */
    static final int LOADS_PER_PANEL = DEPTH * TILE / THREADS;
    /** Rows of A between one item's loads of a panel. */
    static final int A_ROWS_APART = THREADS / DEPTH;
    /** Steps of B between one item's loads of a panel. */
    static final int B_STEPS_APART = THREADS / TILE;
    /** The A panel's words per step: one more than a tile, so a step's rows start in different local-memory banks. */
    static final int A_PITCH = TILE + 1;

    float[] a = new float[1];
    float[] b = new float[1];
    float[] c = new float[1];
    float[] bias = new float[1];
    @Local
    float[] aPanel = new float[DEPTH * A_PITCH];
    @Local
    float[] bPanel = new float[DEPTH * TILE];
    int mode;
    /** C is m×n, the inner dimension k; tilesM·tilesN groups per batch entry. */
    int m;
    int n;
    int k;
    int tilesM;
    int tilesN;
    /** Matmul: batch strides (0 = shared), transposes, α and accumulation. */
    int strideA;
    int strideB;
    int strideC;
    int transA;
    int transB;
    int accumulate;
    float alpha;
    /** Convolution geometry. */
    int inChannels;
    int height;
    int width;
    int outChannels;
    int outHeight;
    int outWidth;
    int kernelSize;
    int stride;
    int padding;
    int hasBias;
    /** Weight gradient: inner steps per slice; slice s covers [s·splitDepth, (s + 1)·splitDepth). */
    int splitDepth;
    /** Weight gradient: 1 when each slice writes its own partial dw (slice s at {@code s·m·n}) instead of adding. */
    int partialSums;

    ImplicitGemmKernel(DeviceRuntime runtime) {
        super(runtime);
    }

    /** Rows and columns of C per work group. */
    int tile() {
        return TILE;
    }

    /** Launches one group per tile of every batch entry. */
    final void launchTiles(int batch) {
        tilesM = (m + tile() - 1) / tile();
        tilesN = (n + tile() - 1) / tile();
        launch(batch * tilesM * tilesN * THREADS, 1);
    }

    /** The batch entry (or, for a cut weight gradient, the slice) this work group computes. */
    int batchEntry() {
        return getGroupId() / (tilesM * tilesN);
    }

    /** The first row of C this work group computes, in tiles of {@code tile}. */
    int firstRow(int tile) {
        return ((getGroupId() % (tilesM * tilesN)) / tilesN) * tile;
    }

    /** The first column of C this work group computes, in tiles of {@code tile}. */
    int firstColumn(int tile) {
        return (getGroupId() % tilesN) * tile;
    }

    /** Where batch entry bt's inner steps start: its slice's first step for a cut weight gradient, else 0. */
    int depthStart(int bt) {
        int start = 0;
        if (mode == CONV_WEIGHT_GRAD) {
            start = bt * splitDepth;
        }
        return start;
    }

    /** Where batch entry bt's inner steps end. A slice is a whole number of panels: none reads into the next. */
    int depthEnd(int bt) {
        int end = k;
        if (mode == CONV_WEIGHT_GRAD) {
            end = min(k, bt * splitDepth + splitDepth);
        }
        return end;
    }

    /** Element (i, p) of A, 0 outside the matrix; {@code pBase} and {@code rowStride} are column p's. */
    float fetchA(int i, int p, int pBase, int rowStride) {
        float v = 0f;
        if (i < m && p < k) {
            v = a[pBase + i * rowStride];
        }
        return v;
    }

    /**
     * Where column p of A starts: A(i, p) is {@code a[aBase(bt, p) + i·aStride(p)]}. A panel's item keeps one p,
     * so this (with its divisions) is worked out once per panel, not once per element.
     */
    int aBase(int bt, int p) {
        int base = p;
        if (mode == CONV_INPUT_GRAD) {
            int kk = kernelSize * kernelSize;
            int o = p / kk;
            base = o * inChannels * kk + p - o * kk;
        } else if (mode == CONV_WEIGHT_GRAD) {
            int plane = outHeight * outWidth;
            int pn = p / plane;
            base = pn * outChannels * plane + p - pn * plane;
        } else if (mode == MATMUL) {
            base = bt * strideA + p;
            if (transA == 1) {
                base = bt * strideA + p * m;
            }
        }
        return base;
    }

    /** The distance in {@code a} between A(i, p) and A(i + 1, p). */
    int aStride() {
        int stride = k;
        if (mode == CONV_INPUT_GRAD) {
            stride = kernelSize * kernelSize;
        } else if (mode == CONV_WEIGHT_GRAD) {
            stride = outHeight * outWidth;
        } else if (mode == MATMUL && transA == 1) {
            stride = 1;
        }
        return stride;
    }

    /**
     * The part of B's column j that its elements share, as an offset into {@code b} ({@link #columnBase}) and a
     * row and column ({@link #columnY}, {@link #columnX}) that each row p of B shifts: for the forward, j is an
     * output position (n, oy, ox) and p a tap (c, ky, kx); for the weight gradient the roles are swapped; for the
     * input gradient, j is an input position (n, y, x) and p an output channel and tap (o, ky, kx).
     */
    int columnBase(int j) {
        int base = 0;
        if (mode == CONV_FORWARD) {
            base = (j / (outHeight * outWidth)) * inChannels * height * width;
        } else if (mode == CONV_WEIGHT_GRAD) {
            base = (j / (kernelSize * kernelSize)) * height * width;
        } else if (mode == CONV_INPUT_GRAD) {
            base = (j / (height * width)) * outChannels * outHeight * outWidth;
        }
        return base;
    }

    /** See {@link #columnBase}. */
    int columnY(int j) {
        int y = 0;
        if (mode == CONV_FORWARD) {
            y = ((j / outWidth) % outHeight) * stride - padding;
        } else if (mode == CONV_WEIGHT_GRAD) {
            y = (j / kernelSize) % kernelSize - padding;
        } else if (mode == CONV_INPUT_GRAD) {
            y = (j / width) % height + padding;
        }
        return y;
    }

    /** See {@link #columnBase}. */
    int columnX(int j) {
        int x = 0;
        if (mode == CONV_FORWARD) {
            x = (j % outWidth) * stride - padding;
        } else if (mode == CONV_WEIGHT_GRAD) {
            x = j % kernelSize - padding;
        } else if (mode == CONV_INPUT_GRAD) {
            x = j % width + padding;
        }
        return x;
    }

    /**
     * Element (p, j) of B, 0 outside the matrix and in the convolution's padding; {@code base}, {@code y0} and
     * {@code x0} are column j's shared part ({@link #columnBase}).
     */
    float fetchB(int bt, int p, int j, int base, int y0, int x0) {
        float v = 0f;
        if (p < k && j < n) {
            if (mode == CONV_FORWARD) {
                // p = (c, ky, kx), two divisions
                int cy = p / kernelSize;
                int ch = cy / kernelSize;
                int iy = y0 + cy - ch * kernelSize;
                int ix = x0 + p - cy * kernelSize;
                if (iy >= 0 && iy < height && ix >= 0 && ix < width) {
                    v = b[base + (ch * height + iy) * width + ix];
                }
            } else if (mode == CONV_WEIGHT_GRAD) {
                // p = (n, oy, ox), two divisions
                int plane = outHeight * outWidth;
                int nn = p / plane;
                int rest = p - nn * plane;
                int oy = rest / outWidth;
                int iy = oy * stride + y0;
                int ix = (rest - oy * outWidth) * stride + x0;
                if (iy >= 0 && iy < height && ix >= 0 && ix < width) {
                    v = b[(nn * inChannels * height + iy) * width + base + ix];
                }
            } else if (mode == CONV_INPUT_GRAD) {
                // p = (o, ky, kx); the output position that tap reads this input from, if the stride lands on it
                int kk = kernelSize * kernelSize;
                int o = p / kk;
                int tap = p - o * kk;
                int ky = tap / kernelSize;
                int ty = y0 - ky;
                int tx = x0 - (tap - ky * kernelSize);
                int oy = ty;
                int ox = tx;
                if (stride != 1) {
                    oy = ty / stride;
                    ox = tx / stride;
                }
                if (ty >= 0 && tx >= 0 && oy * stride == ty && ox * stride == tx && oy < outHeight
                        && ox < outWidth) {
                    v = b[base + (o * outHeight + oy) * outWidth + ox];
                }
            } else if (transB == 1) {
                v = b[bt * strideB + j * k + p];
            } else {
                v = b[bt * strideB + p * n + j];
            }
        }
        return v;
    }

    /** Writes (or adds) output element (i, j). */
    void store(int bt, int i, int j, float v) {
        if (i < m && j < n) {
            if (mode == CONV_FORWARD) {
                int plane = outHeight * outWidth;
                int yi = ((j / plane) * outChannels + i) * plane + j % plane;
                float out = v;
                if (hasBias == 1) {
                    out = v + bias[i];
                }
                c[yi] = out;
            } else if (mode == CONV_INPUT_GRAD) {
                int plane = height * width;
                int xi = ((j / plane) * inChannels + i) * plane + j % plane;
                c[xi] = c[xi] + v;
            } else if (mode == CONV_WEIGHT_GRAD) {
                if (partialSums == 1) {
                    c[(bt * m + i) * n + j] = v;
                } else {
                    c[i * n + j] = c[i * n + j] + v;
                }
            } else if (accumulate == 1) {
                c[bt * strideC + i * n + j] = alpha * v + c[bt * strideC + i * n + j];
            } else {
                c[bt * strideC + i * n + j] = alpha * v;
            }
        }
    }

    @Override
    public void run() {
        int item = getLocalId();
        int bt = batchEntry();
        int row0 = firstRow(TILE);
        int col0 = firstColumn(TILE);
        int r = item / 8;
        int q = item % 8;
        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f;
        float c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f;
        float c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;
        int pStart = depthStart(bt);
        int pEnd = depthEnd(bt);
        // Panel loads: element e of the A panel is row e / DEPTH at step e % DEPTH, of the B panel step e / TILE in
        // column e % TILE; THREADS being a multiple of both, an item loads one step of A (rows aRow + s·A_ROWS_APART)
        // and one column of B (steps bStep + s·B_STEPS_APART) in every panel, so what depends on that step or column
        // alone (the divisions of a convolution's indexing) is worked out once per panel or once.
        int aRow = row0 + item / DEPTH;
        int aStep = item % DEPTH;
        int bStep = item / TILE;
        int bLane = item % TILE;
        int j = col0 + bLane;
        int jBase = columnBase(j);
        int jY = columnY(j);
        int jX = columnX(j);
        int aRowStride = aStride();
        for (int p0 = pStart; p0 < pEnd; p0 += DEPTH) {
            int p = p0 + aStep;
            int pBase = aBase(bt, p);
            for (int s = 0; s < LOADS_PER_PANEL; s++) {
                // A panel transposed (step-major), rows padded apart so that the items' stores hit distinct banks.
                int i = aRow + s * A_ROWS_APART;
                aPanel[aStep * A_PITCH + i - row0] = fetchA(i, p, pBase, aRowStride);
                int bRow = bStep + s * B_STEPS_APART;
                bPanel[bRow * TILE + bLane] = fetchB(bt, p0 + bRow, j, jBase, jY, jX);
            }
            localBarrier();
            for (int d = 0; d < DEPTH; d++) {
                int ao = d * A_PITCH + r;
                int bo = d * TILE + q;
                float a0 = aPanel[ao];
                float a1 = aPanel[ao + 8];
                float a2 = aPanel[ao + 16];
                float a3 = aPanel[ao + 24];
                float b0 = bPanel[bo];
                float b1 = bPanel[bo + 8];
                float b2 = bPanel[bo + 16];
                float b3 = bPanel[bo + 24];
                c00 += a0 * b0;
                c01 += a0 * b1;
                c02 += a0 * b2;
                c03 += a0 * b3;
                c10 += a1 * b0;
                c11 += a1 * b1;
                c12 += a1 * b2;
                c13 += a1 * b3;
                c20 += a2 * b0;
                c21 += a2 * b1;
                c22 += a2 * b2;
                c23 += a2 * b3;
                c30 += a3 * b0;
                c31 += a3 * b1;
                c32 += a3 * b2;
                c33 += a3 * b3;
            }
            localBarrier();
        }
        int i0 = row0 + r;
        int j0 = col0 + q;
        store(bt, i0, j0, c00);
        store(bt, i0, j0 + 8, c01);
        store(bt, i0, j0 + 16, c02);
        store(bt, i0, j0 + 24, c03);
        store(bt, i0 + 8, j0, c10);
        store(bt, i0 + 8, j0 + 8, c11);
        store(bt, i0 + 8, j0 + 16, c12);
        store(bt, i0 + 8, j0 + 24, c13);
        store(bt, i0 + 16, j0, c20);
        store(bt, i0 + 16, j0 + 8, c21);
        store(bt, i0 + 16, j0 + 16, c22);
        store(bt, i0 + 16, j0 + 24, c23);
        store(bt, i0 + 24, j0, c30);
        store(bt, i0 + 24, j0 + 8, c31);
        store(bt, i0 + 24, j0 + 16, c32);
        store(bt, i0 + 24, j0 + 24, c33);
    }
}
