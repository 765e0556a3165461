package org.ddpm4j.tensor;

import static org.ddpm4j.tensor.ScaledErrorAssert.assertWithin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.ddpm4j.tensor.simd.SimdBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SIMD backend's Winograd convolutions (forward, input gradient, weight gradient, bias gradient) against a
 * double-precision convolution, with their rounding error bounded: the largest error of each result relative to its
 * largest magnitude must stay under the variant's named bound. The direct convolution is held to the same measure,
 * so the bounds say how much accuracy each Winograd variant gives up.
 *
 * <p>The shapes cover planes that are not multiples of the tile (partial tiles on the right and bottom), a plane
 * smaller than one tile, one image split into several blocks of tile rows, many small images in one block, fewer
 * images than threads, and channel counts that are not multiples of the GEMM's micro-tile.
 */
class WinogradConvolutionTest {
    /**
     * Largest error relative to the largest |reference| value, about four times the largest seen on these cases.
     * F(2×2, 3×3)'s transforms only add, subtract and halve, so it is held to the direct convolution's bound;
     * F(4×4, 3×3)'s have coefficients up to 8 (Aᵀ) and 5 (Bᵀ), hence a bound ten times larger.
     */
    private static final double DIRECT_BOUND = 2e-6;
    private static final double F2_BOUND = 2e-6;
    private static final double F4_BOUND = 2e-5;

    static Stream<Arguments> cases() {
        return Stream.of(
                // conv3x3, N, Cin, Cout, H, W, threads
                Arguments.of(SimdBackend.Conv3x3.WINOGRAD_F2, 2, 16, 24, 7, 9, 3),
                Arguments.of(SimdBackend.Conv3x3.WINOGRAD_F4, 2, 16, 24, 7, 9, 3),
                Arguments.of(SimdBackend.Conv3x3.WINOGRAD_F2, 1, 20, 16, 3, 2, 2),
                Arguments.of(SimdBackend.Conv3x3.WINOGRAD_F4, 1, 20, 16, 3, 2, 2),
                Arguments.of(SimdBackend.Conv3x3.WINOGRAD_F2, 3, 32, 32, 32, 32, 2),
                Arguments.of(SimdBackend.Conv3x3.WINOGRAD_F4, 3, 32, 32, 32, 32, 2),
                Arguments.of(SimdBackend.Conv3x3.WINOGRAD_F2, 9, 17, 33, 6, 6, 2),
                Arguments.of(SimdBackend.Conv3x3.WINOGRAD_F4, 9, 17, 33, 6, 6, 2),
                Arguments.of(SimdBackend.Conv3x3.WINOGRAD_F4, 4, 64, 64, 8, 8, 1),
                Arguments.of(SimdBackend.Conv3x3.DIRECT, 2, 16, 24, 7, 9, 3),
                Arguments.of(SimdBackend.Conv3x3.DIRECT, 3, 32, 32, 32, 32, 2),
                Arguments.of(SimdBackend.Conv3x3.WINOGRAD, 2, 16, 16, 16, 16, 2),
                Arguments.of(SimdBackend.Conv3x3.WINOGRAD, 2, 16, 16, 15, 16, 2));
    }

    @ParameterizedTest(name = "{0} N{1} {2}->{3} {4}x{5} threads {6}")
    @MethodSource("cases")
    void matchesTheDoublePrecisionConvolutionWithinItsBound(SimdBackend.Conv3x3 conv3x3, int n, int cin, int cout,
                                                              int h, int w, int threads) {
        RandomTensors r = new RandomTensors(n * 1009L + cin * 31L + cout + h);
        Tensor x = r.normal(n, cin, h, w), wt = r.normal(cout, cin, 3, 3), b = r.normal(cout);
        Tensor dy = r.normal(n, cout, h, w);
        Exact exact = Exact.of(x, wt, b, dy);
        double bound = switch (conv3x3) {
            case DIRECT -> DIRECT_BOUND;
            case WINOGRAD_F2 -> F2_BOUND;
            case WINOGRAD_F4, WINOGRAD -> F4_BOUND;
        };
        SimdBackend simd = new SimdBackend(threads, conv3x3);
        try {
            Tensor y = r.normal(n, cout, h, w);
            simd.conv2d(x, wt, b, Conv2dSpec.same3x3(), y);
            assertWithin(exact.y, y.toArray(), bound, "y");
            // The gradients start non-zero: the backward adds into them.
            Tensor dx = r.normal(n, cin, h, w), dw = r.normal(cout, cin, 3, 3), db = r.normal(cout);
            double[] dxExpected = plus(exact.dx, dx), dwExpected = plus(exact.dw, dw), dbExpected = plus(exact.db, db);
            simd.conv2dBackward(x, wt, dy, Conv2dSpec.same3x3(), dx, dw, db);
            assertWithin(dxExpected, dx.toArray(), bound, "dx");
            assertWithin(dwExpected, dw.toArray(), bound, "dw");
            assertWithin(dbExpected, db.toArray(), DIRECT_BOUND, "dbias");
            // A zeroed dx whose array still holds old values (NaN): the input gradient is stored, not added.
            Tensor zeroed = x.zerosLike().fill(Float.NaN).zero();
            simd.conv2dBackward(x, wt, dy, Conv2dSpec.same3x3(), zeroed, wt.zerosLike(), null);
            assertWithin(exact.dx, zeroed.toArray(), bound, "dx into a zeroed buffer");
        } finally {
            simd.shutdown();
        }
    }

    @Test
    void theSystemPropertyNamesTheAlgorithmAndABadValueIsRefusedByName() {
        assertEquals(SimdBackend.DEFAULT_CONV3X3, SimdBackend.Conv3x3.parse(null));
        assertEquals(SimdBackend.Conv3x3.DIRECT, SimdBackend.Conv3x3.parse("direct"));
        assertEquals(SimdBackend.Conv3x3.WINOGRAD_F4, SimdBackend.Conv3x3.parse(" Winograd_F4 "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SimdBackend.Conv3x3.parse("fast"));
        assertTrue(e.getMessage().contains("ddpm.conv3x3") && e.getMessage().contains("'fast'")
                && e.getMessage().contains("WINOGRAD_F2"), e.getMessage());
    }

    private static double[] plus(double[] exact, Tensor start) {
        double[] sum = exact.clone();
        for (int i = 0; i < sum.length; i++) {
            sum[i] += start.get(i);
        }
        return sum;
    }

    /** The convolution and its gradients in double, from the definitions. */
    private record Exact(double[] y, double[] dx, double[] dw, double[] db) {
        static Exact of(Tensor x, Tensor w, Tensor b, Tensor dy) {
            int n = x.dim(0), cin = x.dim(1), h = x.dim(2), wd = x.dim(3), cout = w.dim(0);
            double[] xs = TensorAssert.toDouble(x.toArray()), ws = TensorAssert.toDouble(w.toArray());
            double[] dys = TensorAssert.toDouble(dy.toArray());
            double[] y = DoubleReference.conv2d(xs, ws, TensorAssert.toDouble(b.toArray()), n, cin, h, wd, cout,
                    Conv2dSpec.same3x3());
            double[] dx = new double[xs.length], dw = new double[ws.length], db = new double[cout];
            for (int i = 0; i < n; i++) {
                for (int o = 0; o < cout; o++) {
                    for (int oy = 0; oy < h; oy++) {
                        for (int ox = 0; ox < wd; ox++) {
                            double g = dys[((i * cout + o) * h + oy) * wd + ox];
                            db[o] += g;
                            for (int c = 0; c < cin; c++) {
                                for (int ky = 0; ky < 3; ky++) {
                                    int iy = oy - 1 + ky;
                                    for (int kx = 0; kx < 3 && iy >= 0 && iy < h; kx++) {
                                        int ix = ox - 1 + kx;
                                        if (ix >= 0 && ix < wd) {
                                            int xi = ((i * cin + c) * h + iy) * wd + ix, wi = ((o * cin + c) * 3 + ky) * 3 + kx;
                                            dx[xi] += g * ws[wi];
                                            dw[wi] += g * xs[xi];
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return new Exact(y, dx, dw, db);
        }
    }
}
