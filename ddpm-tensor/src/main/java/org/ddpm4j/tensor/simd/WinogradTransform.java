package org.ddpm4j.tensor.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The matrices of Winograd's minimal filtering algorithm F(m×m, 3×3) (Lavin &amp; Gray, "Fast Algorithms for
 * Convolutional Neural Networks", 2016, eq. 8): an m×m tile of a 3×3 correlation is computed from an α×α input tile
 * d, α = m + 2, as {@code Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A}, with α² multiplications instead of 9m². Summed over input
 * channels, the α² element-wise products become α² matrix products, so a convolution costs α²/9m² of the direct
 * one's multiply-adds plus the transforms: 16/36 for F(2×2, 3×3), 36/144 for F(4×4, 3×3).
 *
 * <p>Bᵀ, Aᵀ and A are applied to lines of tiles by {@link WinogradLines}' kernels, written out for each m; the
 * matrices here are their definition, against which the tests check them.
 */
final class WinogradTransform {
    /** F(2×2, 3×3): interpolation points 0, ±1, ∞; its transforms are exact in floating point but for G's halves. */
    static final WinogradTransform F2 = new WinogradTransform("F(2x2,3x3)", 2, WinogradLines::inputF2,
            WinogradLines::outputF2, WinogradLines::outputAdjointF2,
            new double[][] {
                    {1, 0, -1, 0},
                    {0, 1, 1, 0},
                    {0, -1, 1, 0},
                    {0, 1, 0, -1}},
            new double[][] {
                    {1, 0, 0},
                    {0.5, 0.5, 0.5},
                    {0.5, -0.5, 0.5},
                    {0, 0, 1}},
            new double[][] {
                    {1, 1, 1, 0},
                    {0, 1, -1, -1}});

    /** F(4×4, 3×3): points 0, ±1, ±2, ∞; four times fewer multiplications, at a larger rounding error. */
    static final WinogradTransform F4 = new WinogradTransform("F(4x4,3x3)", 4, WinogradLines::inputF4,
            WinogradLines::outputF4, WinogradLines::outputAdjointF4,
            new double[][] {
                    {4, 0, -5, 0, 1, 0},
                    {0, -4, -4, 1, 1, 0},
                    {0, 4, -4, -1, 1, 0},
                    {0, -2, -1, 2, 1, 0},
                    {0, 2, -1, -2, 1, 0},
                    {0, 4, 0, -5, 0, 1}},
            new double[][] {
                    {1.0 / 4, 0, 0},
                    {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                    {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                    {1.0 / 24, 1.0 / 12, 1.0 / 6},
                    {1.0 / 24, -1.0 / 12, 1.0 / 6},
                    {0, 0, 1}},
            new double[][] {
                    {1, 1, 1, 1, 1, 0},
                    {0, 1, -1, 2, -2, 0},
                    {0, 1, 1, 4, 4, 0},
                    {0, 1, -1, 8, -8, 1}});

    /** The kernel size every transform here is for. */
    static final int KERNEL = 3;
    private static final int TAPS = KERNEL * KERNEL;
    private static final VectorSpecies<Float> SPECIES = VectorOps.SPECIES;
    private static final int VL = VectorOps.VL;

    private final String name;
    /** Output tile side. */
    final int m;
    /** Input tile side, m + 2. */
    final int alpha;
    /** P[ξ = i·α + l][q·3 + v] = G[i][q]·G[l][v]: U_ξ is P's row ξ applied to the nine taps. */
    private final float[] kernelProducts;
    /** Bᵀ (α × α) and Aᵀ (m × α): what {@link #input}, {@link #output} and {@link #outputAdjoint} apply. */
    private final double[][] bt, at;
    /** G (α × 3), which {@link #kernelProducts} holds the products of. */
    private final double[][] g;
    /** Bᵀ applied to lines of tiles: α inputs, α outputs. */
    final WinogradLines.Transform input;
    /** Aᵀ applied to lines of tiles: α inputs, m outputs. */
    final WinogradLines.Transform output;
    /** A, the adjoint of the output transform, which the weight gradient applies to dy: m inputs, α outputs. */
    final WinogradLines.Transform outputAdjoint;

    private WinogradTransform(String name, int m, WinogradLines.Transform input, WinogradLines.Transform output,
                              WinogradLines.Transform outputAdjoint, double[][] bt, double[][] g, double[][] at) {
        this.name = name;
        this.input = input;
        this.output = output;
        this.outputAdjoint = outputAdjoint;
        this.bt = bt;
        this.g = g;
        this.at = at;
        this.m = m;
        this.alpha = m + KERNEL - 1;
        this.kernelProducts = new float[alpha * alpha * KERNEL * KERNEL];
        for (int i = 0; i < alpha; i++) {
            for (int l = 0; l < alpha; l++) {
                for (int q = 0; q < KERNEL; q++) {
                    for (int v = 0; v < KERNEL; v++) {
                        kernelProducts[((i * alpha + l) * KERNEL + q) * KERNEL + v] = (float) (g[i][q] * g[l][v]);
                    }
                }
            }
        }
    }

    /** Bᵀ's coefficient in row i, column k. */
    double inputCoefficient(int i, int k) {
        return bt[i][k];
    }

    /** G's coefficient in row i, column q. */
    double kernelCoefficient(int i, int q) {
        return g[i][q];
    }

    /** Aᵀ's coefficient in row a, column i. */
    double outputCoefficient(int a, int i) {
        return at[a][i];
    }

    /** α², the number of matrix products one convolution becomes. */
    int products() {
        return alpha * alpha;
    }

    /**
     * The transformed kernels {@code U_ξ = G k Gᵀ} (ξ = i·α + l) of a [rows, cols, 3, 3] weight tensor, as α² row-major
     * matrices {@code u[ξ][r][c]} of rows × cols. With {@code transposeAndFlip} the kernel of (r, c) is the weight
     * of (c, r) rotated by 180°: the kernel of a same convolution's input gradient (rows = the weights' in channels).
     * Each U_ξ[r][c] = Σ_{q,v} G[i][q]·G[l][v]·k[q][v] is linear in the nine taps: the α² × 9 matrix
     * {@link #kernelProducts} times the taps, computed for a vector of kernels at a time (their taps first laid out
     * tap by tap), split by rows between the threads (each value is the same nine-term sum whatever the split).
     */
    void transformKernels(Parallel parallel, float[] w, int rows, int cols, boolean transposeAndFlip, float[] u) {
        int mats = rows * cols;
        parallel.forRange(rows, (long) cols * TAPS * products(), (r0, r1) -> {
            // One row's taps, tap by tap, so that a vector of kernels' taps are nine vector loads.
            float[] taps = Workspace.current().get(Workspace.Slot.KERNEL_TAPS, TAPS * cols);
            for (int r = r0; r < r1; r++) {
                for (int c = 0; c < cols; c++) {
                    for (int tap = 0; tap < TAPS; tap++) {
                        taps[tap * cols + c] = transposeAndFlip ? w[(c * rows + r) * TAPS + TAPS - 1 - tap]
                                : w[(r * cols + c) * TAPS + tap];
                    }
                }
                transformRow(taps, cols, u, r * cols, mats);
            }
        });
    }

    /**
     * {@link #transformKernels}' matrices written straight into {@link Sgemm#gemmPrepacked}'s B layout of each
     * {@code U_ξᵀ} (cols × rows): strips of {@link Sgemm#NR} rows, column by column, at {@code packed[ξ·rows·cols]},
     * which is what {@link ChannelVectorWinograd} multiplies by. Computed for VL rows of one column at a time, so that
     * each vector is a contiguous run of a strip and no transposing pass over the matrices follows. The same
     * nine-term sums in the same order as {@link #transformKernels}, so the same bits. Rows must be whole strips.
     */
    void transformKernelsPacked(Parallel parallel, float[] w, int rows, int cols, boolean transposeAndFlip,
                                float[] packed) {
        if (rows % Sgemm.NR != 0) {
            throw new IllegalArgumentException("packed kernel transform needs whole strips of " + Sgemm.NR
                    + " rows, got " + rows);
        }
        int mats = rows * cols, groups = rows / VL;
        // An item is VL rows of one column; items run group by group, so a thread writes whole runs of a strip.
        parallel.forRange(groups * cols, (long) VL * TAPS * products(), (start, end) -> {
            float[] taps = Workspace.current().get(Workspace.Slot.KERNEL_TAPS, TAPS * VL);
            for (int item = start; item < end; item++) {
                int r0 = item / cols * VL, c = item % cols;
                for (int lane = 0; lane < VL; lane++) {
                    int r = r0 + lane;
                    for (int tap = 0; tap < TAPS; tap++) {
                        taps[tap * VL + lane] = transposeAndFlip ? w[(c * rows + r) * TAPS + TAPS - 1 - tap]
                                : w[(r * cols + c) * TAPS + tap];
                    }
                }
                transformVector(taps, 0, VL, packed, (r0 / Sgemm.NR * cols + c) * Sgemm.NR + r0 % Sgemm.NR, mats);
            }
        });
    }

    /**
     * {@code u[ξ·mats + at + c] = Σ_tap P[ξ][tap]·taps[tap][c]} for c in [0, cols) and every ξ, the taps summed in
     * order: each vector of kernels' nine taps is loaded once for all α² sums.
     */
    private void transformRow(float[] taps, int cols, float[] u, int at, int mats) {
        int c = 0;
        for (; c + VL <= cols; c += VL) {
            transformVector(taps, c, cols, u, at + c, mats);
        }
        // The last kernels of a row that is not whole vectors, with the same roundings.
        for (; c < cols; c++) {
            for (int xi = 0, p = 0; xi < products(); xi++, p += TAPS) {
                float sum = taps[c] * kernelProducts[p];
                for (int tap = 1; tap < TAPS; tap++) {
                    sum = Math.fma(taps[tap * cols + c], kernelProducts[p + tap], sum);
                }
                u[xi * mats + at + c] = sum;
            }
        }
    }

    /**
     * One vector of kernels: {@code u[ξ·mats + at + j] = Σ_tap P[ξ][tap]·taps[tap·stride + c + j]} for j in [0, VL)
     * and every ξ, the first term a product and the others fused multiply-adds in tap order.
     */
    private void transformVector(float[] taps, int c, int stride, float[] u, int at, int mats) {
        FloatVector k0 = FloatVector.fromArray(SPECIES, taps, c);
        FloatVector k1 = FloatVector.fromArray(SPECIES, taps, stride + c);
        FloatVector k2 = FloatVector.fromArray(SPECIES, taps, 2 * stride + c);
        FloatVector k3 = FloatVector.fromArray(SPECIES, taps, 3 * stride + c);
        FloatVector k4 = FloatVector.fromArray(SPECIES, taps, 4 * stride + c);
        FloatVector k5 = FloatVector.fromArray(SPECIES, taps, 5 * stride + c);
        FloatVector k6 = FloatVector.fromArray(SPECIES, taps, 6 * stride + c);
        FloatVector k7 = FloatVector.fromArray(SPECIES, taps, 7 * stride + c);
        FloatVector k8 = FloatVector.fromArray(SPECIES, taps, 8 * stride + c);
        for (int xi = 0, p = 0; xi < products(); xi++, p += TAPS) {
            FloatVector sum = k0.mul(kernelProducts[p]);
            sum = times(k1, kernelProducts[p + 1], sum);
            sum = times(k2, kernelProducts[p + 2], sum);
            sum = times(k3, kernelProducts[p + 3], sum);
            sum = times(k4, kernelProducts[p + 4], sum);
            sum = times(k5, kernelProducts[p + 5], sum);
            sum = times(k6, kernelProducts[p + 6], sum);
            sum = times(k7, kernelProducts[p + 7], sum);
            sum = times(k8, kernelProducts[p + 8], sum);
            sum.intoArray(u, xi * mats + at);
        }
    }

    /**
     * The adjoint of {@link #transformKernels} without flip: {@code dw[r][c] += Gᵀ dU_{r,c} G} for the α² gradient
     * matrices {@code du[ξ][r][c]} (rows × cols), into a [rows, cols, 3, 3] gradient: each tap gains
     * {@code Σ_ξ P[ξ][tap]·dU_ξ}, summed for a vector of kernels at a time and added tap by tap, split by rows
     * between the threads.
     */
    void accumulateKernelGradients(Parallel parallel, float[] du, int rows, int cols, float[] dw) {
        int mats = rows * cols;
        parallel.forRange(rows, (long) cols * TAPS * products(), (r0, r1) -> {
            float[] sums = Workspace.current().get(Workspace.Slot.KERNEL_TAPS, TAPS * VL);
            int at = r0 * cols, end = r1 * cols;
            for (; at + VL <= end; at += VL) {
                // Each dU_ξ is loaded once, into nine sums: the α² loads lie a whole matrix apart, often a multiple of
                // 4 KiB, in as few cache sets, so a second pass over them would come from L2.
                // Starting from zero, the first fused multiply-add rounds as a product would.
                FloatVector s0 = FloatVector.zero(SPECIES), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0;
                FloatVector s7 = s0, s8 = s0;
                for (int xi = 0; xi < products(); xi++) {
                    FloatVector d = FloatVector.fromArray(SPECIES, du, xi * mats + at);
                    int p = xi * TAPS;
                    s0 = times(d, kernelProducts[p], s0);
                    s1 = times(d, kernelProducts[p + 1], s1);
                    s2 = times(d, kernelProducts[p + 2], s2);
                    s3 = times(d, kernelProducts[p + 3], s3);
                    s4 = times(d, kernelProducts[p + 4], s4);
                    s5 = times(d, kernelProducts[p + 5], s5);
                    s6 = times(d, kernelProducts[p + 6], s6);
                    s7 = times(d, kernelProducts[p + 7], s7);
                    s8 = times(d, kernelProducts[p + 8], s8);
                }
                s0.intoArray(sums, 0);
                s1.intoArray(sums, VL);
                s2.intoArray(sums, 2 * VL);
                s3.intoArray(sums, 3 * VL);
                s4.intoArray(sums, 4 * VL);
                s5.intoArray(sums, 5 * VL);
                s6.intoArray(sums, 6 * VL);
                s7.intoArray(sums, 7 * VL);
                s8.intoArray(sums, 8 * VL);
                for (int j = 0; j < VL; j++) {
                    for (int tap = 0; tap < TAPS; tap++) {
                        dw[(at + j) * TAPS + tap] += sums[tap * VL + j];
                    }
                }
            }
            // The last kernels of a range that is not whole vectors, with the same roundings.
            for (; at < end; at++) {
                for (int tap = 0; tap < TAPS; tap++) {
                    float sum = 0f;
                    for (int xi = 0; xi < products(); xi++) {
                        sum = Math.fma(du[xi * mats + at], kernelProducts[xi * TAPS + tap], sum);
                    }
                    dw[at * TAPS + tap] += sum;
                }
            }
        });
    }

    /** {@code d·p + s}, fused. */
    private static FloatVector times(FloatVector d, float p, FloatVector s) {
        return d.fma(FloatVector.broadcast(SPECIES, p), s);
    }

    @Override
    public String toString() {
        return name;
    }
}
