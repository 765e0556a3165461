package org.ddpm4j.tensor.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link WinogradTransform}'s kernel transform {@code U = G k Gᵀ} (plain, and transposed and flipped for the input
 * gradient) and its adjoint {@code dw += Gᵀ dU G}, against the same sums in double from G itself. The channel counts
 * leave a partial vector at the end of every row and of every thread's range, and the work is split between threads.
 */
class WinogradKernelTransformTest {
    /** Nine products of a float rounding each, against the terms' absolute sum. */
    private static final double RELATIVE_TOLERANCE = 1e-6;
    private static final int TAPS = 9;
    private static final Parallel PARALLEL = new Parallel(2);

    @AfterAll
    static void shutDown() {
        PARALLEL.shutdown();
    }

    static Stream<Arguments> cases() {
        int vl = VectorOps.VL;
        return Stream.of(
                Arguments.of(WinogradTransform.F2, 3, vl + 3),
                Arguments.of(WinogradTransform.F4, 3, vl + 3),
                Arguments.of(WinogradTransform.F4, 5, 2 * vl),
                Arguments.of(WinogradTransform.F4, 4, vl - 1));
    }

    @ParameterizedTest(name = "{0}, {1} x {2} kernels")
    @MethodSource("cases")
    void kernelTransformMatchesGkGt(WinogradTransform t, int rows, int cols) {
        float[] w = random(rows * cols * TAPS, 1);
        checkTransform(t, rows, cols, w, false, (r, c, tap) -> w[(r * cols + c) * TAPS + tap]);
    }

    @ParameterizedTest(name = "{0}, {1} x {2} kernels")
    @MethodSource("cases")
    void inputGradientKernelsAreTheTransposedFlippedWeights(WinogradTransform t, int rows, int cols) {
        // The weights are [cols, rows, 3, 3]; the kernel of (r, c) is the weight of (c, r) rotated by 180°.
        float[] w = random(rows * cols * TAPS, 2);
        checkTransform(t, rows, cols, w, true, (r, c, tap) -> w[(c * rows + r) * TAPS + TAPS - 1 - tap]);
    }

    /**
     * The transform written straight into the GEMM's strips gives {@link WinogradTransform#transformKernels}' bits at
     * the strip positions, plain and transposed-flipped: two strips of rows, so a strip's second half and the second
     * strip are placed too, and columns that split unevenly between the threads.
     */
    @ParameterizedTest(name = "{0}, transposed and flipped {1}")
    @CsvSource({"F2, false", "F4, false", "F4, true"})
    void packedTransformPlacesTheSameBitsInStrips(String name, boolean transposeAndFlip) {
        WinogradTransform t = name.equals("F2") ? WinogradTransform.F2 : WinogradTransform.F4;
        int rows = 2 * Sgemm.NR, cols = 2 * VectorOps.VL + 3, mats = rows * cols;
        float[] w = random(mats * TAPS, 5);
        float[] u = new float[t.products() * mats], packed = new float[t.products() * mats];
        t.transformKernels(PARALLEL, w, rows, cols, transposeAndFlip, u);
        t.transformKernelsPacked(PARALLEL, w, rows, cols, transposeAndFlip, packed);
        for (int xi = 0; xi < t.products(); xi++) {
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    int at = xi * mats + (r / Sgemm.NR * cols + c) * Sgemm.NR + r % Sgemm.NR;
                    assertEquals(Float.floatToRawIntBits(u[xi * mats + r * cols + c]),
                            Float.floatToRawIntBits(packed[at]), "ξ " + xi + ", kernel (" + r + ", " + c + ")");
                }
            }
        }
    }

    @Test
    void packedTransformRefusesRowsThatAreNotWholeStrips() {
        int rows = Sgemm.NR + VectorOps.VL;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WinogradTransform.F4.transformKernelsPacked(PARALLEL, new float[rows * 4 * TAPS], rows, 4, false,
                        new float[WinogradTransform.F4.products() * rows * 4]));
        assertTrue(e.getMessage().contains(String.valueOf(rows)), e.getMessage());
    }

    @ParameterizedTest(name = "{0}, {1} x {2} kernels")
    @MethodSource("cases")
    void kernelGradientIsTheAdjointAddedIn(WinogradTransform t, int rows, int cols) {
        int mats = rows * cols;
        float[] du = random(t.products() * mats, 3);
        float[] before = random(mats * TAPS, 4);
        float[] dw = before.clone();
        t.accumulateKernelGradients(PARALLEL, du, rows, cols, dw);
        int alpha = t.alpha;
        for (int k = 0; k < mats; k++) {
            for (int q = 0; q < 3; q++) {
                for (int v = 0; v < 3; v++) {
                    double sum = before[k * TAPS + q * 3 + v], magnitude = Math.abs(sum);
                    for (int i = 0; i < alpha; i++) {
                        for (int l = 0; l < alpha; l++) {
                            double term = t.kernelCoefficient(i, q) * t.kernelCoefficient(l, v)
                                    * du[(i * alpha + l) * mats + k];
                            sum += term;
                            magnitude += Math.abs(term);
                        }
                    }
                    assertEquals(sum, dw[k * TAPS + q * 3 + v], RELATIVE_TOLERANCE * magnitude,
                            "kernel " + k + ", tap (" + q + ", " + v + ")");
                }
            }
        }
    }

    /** A tap of the kernel whose transform lands at row r, column c of every U_ξ. */
    private interface Taps {
        float at(int r, int c, int tap);
    }

    /** Transforms w and checks every U_ξ against the kernels {@code taps} reads from w. */
    private static void checkTransform(WinogradTransform t, int rows, int cols, float[] w, boolean transposeAndFlip,
                                       Taps taps) {
        int alpha = t.alpha, mats = rows * cols;
        float[] u = new float[t.products() * mats];
        t.transformKernels(PARALLEL, w, rows, cols, transposeAndFlip, u);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                for (int i = 0; i < alpha; i++) {
                    for (int l = 0; l < alpha; l++) {
                        double sum = 0, magnitude = 0;
                        for (int q = 0; q < 3; q++) {
                            for (int v = 0; v < 3; v++) {
                                double term = t.kernelCoefficient(i, q) * t.kernelCoefficient(l, v)
                                        * taps.at(r, c, q * 3 + v);
                                sum += term;
                                magnitude += Math.abs(term);
                            }
                        }
                        assertEquals(sum, u[(i * alpha + l) * mats + r * cols + c], RELATIVE_TOLERANCE * magnitude,
                                "kernel (" + r + ", " + c + "), ξ = (" + i + ", " + l + ")");
                    }
                }
            }
        }
    }

    private static float[] random(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rng.nextGaussian();
        }
        return a;
    }
}
