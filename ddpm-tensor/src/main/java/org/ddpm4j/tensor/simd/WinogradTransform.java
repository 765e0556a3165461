package org.ddpm4j.tensor.simd;

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

    private final String name;
    /** Output tile side. */
    final int m;
    /** Input tile side, m + 2. */
    final int alpha;
    /** P[ξ = i·α + l][q·3 + v] = G[i][q]·G[l][v]: U_ξ is P's row ξ applied to the nine taps. */
    private final float[] kernelProducts;
    /** Bᵀ (α × α) and Aᵀ (m × α): what {@link #input}, {@link #output} and {@link #outputAdjoint} apply. */
    private final double[][] bt, at;
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
     * Each U_ξ[r][c] = Σ_{q,v} G[i][q]·G[l][v]·k[q][v] is linear in the nine taps, so all of them are one GEMM of the
     * α² × 9 matrix {@link #kernelProducts} by the taps, split by rows between the threads (each value is the same
     * nine-term sum whatever the split).
     */
    void transformKernels(Parallel parallel, float[] w, int rows, int cols, boolean transposeAndFlip, float[] u) {
        int mats = rows * cols, taps = KERNEL * KERNEL;
        float[] k = transposeAndFlip ? Workspace.current().get(Workspace.Slot.CALLER_KERNEL_TAPS, mats * taps) : w;
        parallel.forRange(rows, (long) cols * taps * products(), (r0, r1) -> {
            if (transposeAndFlip) {
                for (int r = r0; r < r1; r++) {
                    for (int c = 0; c < cols; c++) {
                        int src = (c * rows + r) * taps, dst = (r * cols + c) * taps;
                        for (int tap = 0; tap < taps; tap++) {
                            k[dst + tap] = w[src + taps - 1 - tap];
                        }
                    }
                }
            }
            // U[:, r0·cols .. r1·cols) (α² × n) = P (α² × 9) · Kᵀ, K being those kernels' taps as an n × 9 matrix.
            int first = r0 * cols, n = (r1 - r0) * cols;
            Sgemm.gemm(false, true, products(), n, taps, 1f, kernelProducts, 0, taps, k, first * taps, taps, false,
                    u, first, mats);
        });
    }

    /**
     * The adjoint of {@link #transformKernels} without flip: {@code dw[r][c] += Gᵀ dU_{r,c} G} for the α² gradient
     * matrices {@code du[ξ][r][c]} (rows × cols), into a [rows, cols, 3, 3] gradient: dw as (rows·cols) × 9 gains
     * {@code dUᵀ·P}, split by rows between the threads.
     */
    void accumulateKernelGradients(Parallel parallel, float[] du, int rows, int cols, float[] dw) {
        int mats = rows * cols, taps = KERNEL * KERNEL;
        parallel.forRange(rows, (long) cols * taps * products(), (r0, r1) -> {
            int first = r0 * cols;
            Sgemm.gemm(true, false, (r1 - r0) * cols, taps, products(), 1f, du, first, mats, kernelProducts, 0, taps,
                    true, dw, first * taps, taps);
        });
    }

    @Override
    public String toString() {
        return name;
    }
}
