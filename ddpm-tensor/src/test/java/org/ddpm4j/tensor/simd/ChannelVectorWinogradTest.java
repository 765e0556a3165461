package org.ddpm4j.tensor.simd;

import static org.ddpm4j.tensor.ScaledErrorAssert.assertWithin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ChannelVectorWinograd}'s forward (stored with bias, and added in with the input gradient's transposed and
 * flipped kernels) and its weight and bias gradients against a direct convolution in double. The shapes cover planes
 * narrower than a vector (transposed through a copy) and rows of whole vectors (transposed in place), one tile per
 * image, planes that are not a power of two, several blocks per thread and a batch that does not split evenly between
 * the threads. The weight gradient is split by images (few threads, many tiles each) and by products, whose output
 * channels split into blocks at twelve and twenty-four threads, the last block short; those counts run on a team
 * that splits its ranges as that many threads would and runs the chunks one after another.
 */
class ChannelVectorWinogradTest {
    /** Largest error relative to the largest |reference| value, as in {@code WinogradConvolutionTest}. */
    private static final double F2_BOUND = 2e-6;
    private static final double F4_BOUND = 2e-5;
    private static final int TAPS = 9;
    private static final Parallel ONE = new Parallel(1), TWO = new Parallel(2);

    @AfterAll
    static void shutDown() {
        ONE.shutdown();
        TWO.shutdown();
    }

    static Stream<Arguments> cases() {
        int vl = VectorOps.VL, nr = Sgemm.NR;
        return Stream.of(
                // transform, N, Cin, Cout, H, W, threads
                Arguments.of(WinogradTransform.F4, 4, 4 * vl, 2 * nr, 8, 8, 2),
                Arguments.of(WinogradTransform.F2, 5, vl, nr, 8, 8, 2),
                Arguments.of(WinogradTransform.F4, 3, 2 * vl, 2 * nr, 2 * vl, vl, 2),
                Arguments.of(WinogradTransform.F4, 2, vl, nr, 4, 4, 2),
                Arguments.of(WinogradTransform.F4, 2, 2 * vl, nr, 12, 12, 1),
                Arguments.of(WinogradTransform.F4, 40, 2 * vl, 2 * nr, 16, 16, 2),
                Arguments.of(WinogradTransform.F2, 12, 2 * vl, 64, 4, 4, 12),
                Arguments.of(WinogradTransform.F4, 25, 2 * vl, 64, 8, 8, 24));
    }

    /** The team for {@code threads}: a real one for one and two, else one that runs the chunks in turn. */
    private static Parallel team(int threads) {
        return switch (threads) {
            case 1 -> ONE;
            case 2 -> TWO;
            default -> new Parallel(threads, new ChunkSpans());
        };
    }

    @ParameterizedTest(name = "{0} N{1} {2}->{3} {4}x{5} threads {6}")
    @MethodSource("cases")
    void storesTheConvolutionPlusBias(WinogradTransform t, int n, int cin, int cout, int h, int w, int threads) {
        SplittableRandom r = new SplittableRandom(n * 31L + cin + h);
        float[] x = normal(r, n * cin * h * w), weights = normal(r, cout * cin * TAPS), bias = normal(r, cout);
        float[] y = normal(r, n * cout * h * w);
        ChannelVectorWinograd conv = new ChannelVectorWinograd(t, n, cin, cout, h, w, threads);
        Parallel parallel = team(threads);
        conv.forward(parallel, x, conv.kernels(parallel, weights, false),
                OutputTerms.stored(bias, null, null, cout, h * w), y);
        double[] expected = direct(x, n, cin, cout, h, w, (o, i, tap) -> weights[(o * cin + i) * TAPS + tap]);
        for (int i = 0; i < expected.length; i++) {
            expected[i] += bias[i / (h * w) % cout];
        }
        assertWithin(expected, y, bound(t), "y");
    }

    @ParameterizedTest(name = "{0} N{1} {2}->{3} {4}x{5} threads {6}")
    @MethodSource("cases")
    void addsTheConvolutionByTransposedFlippedKernels(WinogradTransform t, int n, int cin, int cout, int h, int w,
                                                      int threads) {
        SplittableRandom r = new SplittableRandom(n * 37L + cout + w);
        // The weights are a forward convolution's [cout, cin, 3, 3] seen from its output: [in = cout][out = cin].
        float[] dy = normal(r, n * cin * h * w), weights = normal(r, cin * cout * TAPS);
        float[] dx = normal(r, n * cout * h * w);
        double[] expected = direct(dy, n, cin, cout, h, w,
                (o, i, tap) -> weights[(i * cout + o) * TAPS + TAPS - 1 - tap]);
        for (int i = 0; i < expected.length; i++) {
            expected[i] += dx[i];
        }
        ChannelVectorWinograd conv = new ChannelVectorWinograd(t, n, cin, cout, h, w, threads);
        Parallel parallel = team(threads);
        conv.forward(parallel, dy, conv.kernels(parallel, weights, true), OutputTerms.added(cout, h * w), dx);
        assertWithin(expected, dx, bound(t), "dx");
    }

    @ParameterizedTest(name = "{0} N{1} {2}->{3} {4}x{5} threads {6}")
    @MethodSource("cases")
    void sumsTheWeightAndBiasGradients(WinogradTransform t, int n, int cin, int cout, int h, int w, int threads) {
        SplittableRandom r = new SplittableRandom(n * 41L + cin + 3L * w);
        float[] x = normal(r, n * cin * h * w), dy = normal(r, n * cout * h * w);
        // dw starts non-zero: the kernel transform's adjoint adds into it.
        float[] dw = normal(r, cout * cin * TAPS);
        double[] dwExpected = new double[cout * cin * TAPS], dbExpected = new double[cout];
        for (int img = 0; img < n; img++) {
            for (int o = 0; o < cout; o++) {
                for (int py = 0; py < h; py++) {
                    for (int px = 0; px < w; px++) {
                        double g = dy[((img * cout + o) * h + py) * w + px];
                        dbExpected[o] += g;
                        for (int i = 0; i < cin; i++) {
                            for (int tap = 0; tap < TAPS; tap++) {
                                int iy = py + tap / 3 - 1, ix = px + tap % 3 - 1;
                                if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                    dwExpected[(o * cin + i) * TAPS + tap] +=
                                            g * x[((img * cin + i) * h + iy) * w + ix];
                                }
                            }
                        }
                    }
                }
            }
        }
        for (int i = 0; i < dw.length; i++) {
            dwExpected[i] += dw[i];
        }
        ChannelVectorWinograd conv = new ChannelVectorWinograd(t, n, cin, cout, h, w, threads);
        if (threads > 2) {
            assertTrue(conv.splitsGradientByProducts(), "the cases of many threads split the gradient by products");
        }
        Parallel parallel = team(threads);
        float[] kernelGradients = new float[t.products() * cout * cin];
        double[] db = new double[cout];
        conv.weightGradient(parallel, x, dy, kernelGradients, db);
        t.accumulateKernelGradients(parallel, kernelGradients, cout, cin, dw);
        assertWithin(dwExpected, dw, bound(t), "dw");
        float[] dbFloat = new float[cout];
        for (int o = 0; o < cout; o++) {
            dbFloat[o] = (float) db[o];
        }
        assertWithin(dbExpected, dbFloat, F2_BOUND, "dbias");
    }

    @Test
    void splitsTheWeightGradientByProductsWhenThePartialsOutweighTheTiles() {
        WinogradTransform f4 = WinogradTransform.F4;
        assertEquals(2, ChannelVectorWinograd.PARTIALS_OVER_TILES);
        // N32 64->64 8x8: 128 F(4x4) tiles of 128 channels, 16 384 floats a product; 4 096 per thread's partials.
        assertFalse(new ChannelVectorWinograd(f4, 32, 64, 64, 8, 8, 4).splitsGradientByProducts(), "1x");
        assertTrue(new ChannelVectorWinograd(f4, 32, 64, 64, 8, 8, 8).splitsGradientByProducts(), "2x");
        // The same at 16x16: four times the tiles.
        assertFalse(new ChannelVectorWinograd(f4, 32, 64, 64, 16, 16, 16).splitsGradientByProducts(), "1x");
        assertFalse(new ChannelVectorWinograd(f4, 4, 64, 64, 8, 8, 1).splitsGradientByProducts(), "one thread");
    }

    @Test
    void appliesToSmallPlanesOfWholeVectorsAndTilesOnly() {
        int vl = VectorOps.VL, nr = Sgemm.NR;
        WinogradTransform f4 = WinogradTransform.F4;
        assertTrue(ChannelVectorWinograd.applies(f4, 32, 4 * vl, 4 * nr, 8, 8, 2));
        assertTrue(ChannelVectorWinograd.applies(f4, 32, 2 * vl, 2 * nr, 16, 16, 2));
        assertFalse(ChannelVectorWinograd.applies(f4, 32, vl + 1, 2 * nr, 8, 8, 2), "a partial vector of channels");
        assertFalse(ChannelVectorWinograd.applies(f4, 32, vl, nr + 1, 8, 8, 2), "a partial strip of outputs");
        assertFalse(ChannelVectorWinograd.applies(f4, 32, vl, nr, 6, 8, 2), "a partial tile");
        assertFalse(ChannelVectorWinograd.applies(f4, 1, vl, nr, 8, 8, 2), "fewer images than threads");
        // An image's V and M over half a block: 36 products × 256 tiles × (Cin + Cout) floats.
        assertFalse(ChannelVectorWinograd.applies(f4, 32, 64, 64, 64, 64, 2), "a large plane");
        assertThrows(IllegalArgumentException.class, () -> new ChannelVectorWinograd(f4, 32, vl, nr, 6, 8, 2));
    }

    private static double bound(WinogradTransform t) {
        return t == WinogradTransform.F2 ? F2_BOUND : F4_BOUND;
    }

    @FunctionalInterface
    private interface Kernel {
        float tap(int out, int in, int tap);
    }

    /** The same 3×3 correlation in double, from the definition. */
    private static double[] direct(float[] x, int n, int cin, int cout, int h, int w, Kernel k) {
        double[] y = new double[n * cout * h * w];
        for (int img = 0; img < n; img++) {
            for (int o = 0; o < cout; o++) {
                for (int py = 0; py < h; py++) {
                    for (int px = 0; px < w; px++) {
                        double sum = 0;
                        for (int i = 0; i < cin; i++) {
                            for (int tap = 0; tap < TAPS; tap++) {
                                int iy = py + tap / 3 - 1, ix = px + tap % 3 - 1;
                                if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                    sum += (double) k.tap(o, i, tap) * x[((img * cin + i) * h + iy) * w + ix];
                                }
                            }
                        }
                        y[((img * cout + o) * h + py) * w + px] = sum;
                    }
                }
            }
        }
        return y;
    }

    private static float[] normal(SplittableRandom r, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }
}
