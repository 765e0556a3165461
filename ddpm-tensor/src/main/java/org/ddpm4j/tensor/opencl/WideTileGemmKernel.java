package org.ddpm4j.tensor.opencl;

/**
 * The products of {@link ImplicitGemmKernel} (same modes, operands and fetches) with a {@value #WIDE_TILE}×
 * {@value #WIDE_TILE} block of C per work group and an 8×8 register block per item (rows {@code r + 8·i}, columns
 * {@code q + 8·j}): per staged step an item reads 16 local words for 64 multiply-adds instead of 8 for 16, and a
 * staged panel element serves 64 outputs instead of 32, so a large product spends less of its time on staging and
 * on the index arithmetic of its convolution fetches. It has a quarter as many groups as the narrow kernel, so
 * {@link GemmTiles} gives it only products that still fill the device.
 */
final class WideTileGemmKernel extends ImplicitGemmKernel {
    /** Rows and columns of C per work group. */
    static final int WIDE_TILE = 64;
    /** Elements of each panel an item loads. */
    static final int WIDE_LOADS_PER_PANEL = DEPTH * WIDE_TILE / THREADS;
    /** The A panel's words per step: one more than a tile, so a step's rows start in different local-memory banks. */
    static final int WIDE_A_PITCH = WIDE_TILE + 1;

    @Local
    float[] wideA = new float[DEPTH * WIDE_A_PITCH];
    @Local
    float[] wideB = new float[DEPTH * WIDE_TILE];

    WideTileGemmKernel(DeviceRuntime runtime) {
        super(runtime);
    }

    @Override
    int tile() {
        return WIDE_TILE;
    }

    /** Stores (or adds) eight outputs of row i, columns j, j + 8, ..., j + 56. */
    void storeRow(int bt, int i, int j, float v0, float v1, float v2, float v3, float v4, float v5, float v6,
                  float v7) {
        store(bt, i, j, v0);
        store(bt, i, j + 8, v1);
        store(bt, i, j + 16, v2);
        store(bt, i, j + 24, v3);
        store(bt, i, j + 32, v4);
        store(bt, i, j + 40, v5);
        store(bt, i, j + 48, v6);
        store(bt, i, j + 56, v7);
    }

    @Override
    public void run() {
        int item = getLocalId();
        int bt = batchEntry();
        int row0 = firstRow(WIDE_TILE);
        int col0 = firstColumn(WIDE_TILE);
        int r = item / 8;
        int q = item % 8;
        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f, c04 = 0f, c05 = 0f, c06 = 0f, c07 = 0f;
        float c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f, c14 = 0f, c15 = 0f, c16 = 0f, c17 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f, c24 = 0f, c25 = 0f, c26 = 0f, c27 = 0f;
        float c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f, c34 = 0f, c35 = 0f, c36 = 0f, c37 = 0f;
        float c40 = 0f, c41 = 0f, c42 = 0f, c43 = 0f, c44 = 0f, c45 = 0f, c46 = 0f, c47 = 0f;
        float c50 = 0f, c51 = 0f, c52 = 0f, c53 = 0f, c54 = 0f, c55 = 0f, c56 = 0f, c57 = 0f;
        float c60 = 0f, c61 = 0f, c62 = 0f, c63 = 0f, c64 = 0f, c65 = 0f, c66 = 0f, c67 = 0f;
        float c70 = 0f, c71 = 0f, c72 = 0f, c73 = 0f, c74 = 0f, c75 = 0f, c76 = 0f, c77 = 0f;
        int pStart = depthStart(bt);
        int pEnd = depthEnd(bt);
        // As in the narrow kernel, an item loads one step of A (rows aRow + s·A_ROWS_APART) per panel; of B it loads
        // one whole column (the tile is as wide as the group), so B's column decomposition is worked out once.
        int aRow = row0 + item / DEPTH;
        int aStep = item % DEPTH;
        int j = col0 + item;
        int jBase = columnBase(j);
        int jY = columnY(j);
        int jX = columnX(j);
        int aRowStride = aStride();
        for (int p0 = pStart; p0 < pEnd; p0 += DEPTH) {
            int p = p0 + aStep;
            int pBase = aBase(bt, p);
            for (int s = 0; s < WIDE_LOADS_PER_PANEL; s++) {
                int i = aRow + s * A_ROWS_APART;
                wideA[aStep * WIDE_A_PITCH + i - row0] = fetchA(i, p, pBase, aRowStride);
                wideB[s * WIDE_TILE + item] = fetchB(bt, p0 + s, j, jBase, jY, jX);
            }
            localBarrier();
            for (int d = 0; d < DEPTH; d++) {
                int ao = d * WIDE_A_PITCH + r;
                int bo = d * WIDE_TILE + q;
                float a0 = wideA[ao + 0];
                float a1 = wideA[ao + 8];
                float a2 = wideA[ao + 16];
                float a3 = wideA[ao + 24];
                float a4 = wideA[ao + 32];
                float a5 = wideA[ao + 40];
                float a6 = wideA[ao + 48];
                float a7 = wideA[ao + 56];
                float b0 = wideB[bo + 0];
                float b1 = wideB[bo + 8];
                float b2 = wideB[bo + 16];
                float b3 = wideB[bo + 24];
                float b4 = wideB[bo + 32];
                float b5 = wideB[bo + 40];
                float b6 = wideB[bo + 48];
                float b7 = wideB[bo + 56];
                c00 += a0 * b0;
                c01 += a0 * b1;
                c02 += a0 * b2;
                c03 += a0 * b3;
                c04 += a0 * b4;
                c05 += a0 * b5;
                c06 += a0 * b6;
                c07 += a0 * b7;
                c10 += a1 * b0;
                c11 += a1 * b1;
                c12 += a1 * b2;
                c13 += a1 * b3;
                c14 += a1 * b4;
                c15 += a1 * b5;
                c16 += a1 * b6;
                c17 += a1 * b7;
                c20 += a2 * b0;
                c21 += a2 * b1;
                c22 += a2 * b2;
                c23 += a2 * b3;
                c24 += a2 * b4;
                c25 += a2 * b5;
                c26 += a2 * b6;
                c27 += a2 * b7;
                c30 += a3 * b0;
                c31 += a3 * b1;
                c32 += a3 * b2;
                c33 += a3 * b3;
                c34 += a3 * b4;
                c35 += a3 * b5;
                c36 += a3 * b6;
                c37 += a3 * b7;
                c40 += a4 * b0;
                c41 += a4 * b1;
                c42 += a4 * b2;
                c43 += a4 * b3;
                c44 += a4 * b4;
                c45 += a4 * b5;
                c46 += a4 * b6;
                c47 += a4 * b7;
                c50 += a5 * b0;
                c51 += a5 * b1;
                c52 += a5 * b2;
                c53 += a5 * b3;
                c54 += a5 * b4;
                c55 += a5 * b5;
                c56 += a5 * b6;
                c57 += a5 * b7;
                c60 += a6 * b0;
                c61 += a6 * b1;
                c62 += a6 * b2;
                c63 += a6 * b3;
                c64 += a6 * b4;
                c65 += a6 * b5;
                c66 += a6 * b6;
                c67 += a6 * b7;
                c70 += a7 * b0;
                c71 += a7 * b1;
                c72 += a7 * b2;
                c73 += a7 * b3;
                c74 += a7 * b4;
                c75 += a7 * b5;
                c76 += a7 * b6;
                c77 += a7 * b7;
            }
            localBarrier();
        }
        int i0 = row0 + r;
        int j0 = col0 + q;
        storeRow(bt, i0 + 0, j0, c00, c01, c02, c03, c04, c05, c06, c07);
        storeRow(bt, i0 + 8, j0, c10, c11, c12, c13, c14, c15, c16, c17);
        storeRow(bt, i0 + 16, j0, c20, c21, c22, c23, c24, c25, c26, c27);
        storeRow(bt, i0 + 24, j0, c30, c31, c32, c33, c34, c35, c36, c37);
        storeRow(bt, i0 + 32, j0, c40, c41, c42, c43, c44, c45, c46, c47);
        storeRow(bt, i0 + 40, j0, c50, c51, c52, c53, c54, c55, c56, c57);
        storeRow(bt, i0 + 48, j0, c60, c61, c62, c63, c64, c65, c66, c67);
        storeRow(bt, i0 + 56, j0, c70, c71, c72, c73, c74, c75, c76, c77);
    }
}
