package org.ddpm4j.tensor.simd;

import static org.ddpm4j.tensor.ScaledErrorAssert.assertWithin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ddpm4j.tensor.Conv2dSpec;
import org.ddpm4j.tensor.ConvGeometry;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SIMD backend's stride-2 convolutions ({@link PhasePlaneConvolution}), forward and gradients, against a direct
 * convolution in double. With one thread the op runs on the test's thread, whose workspace is first filled with NaN:
 * every zero the planes, the grid and the packed blocks need must then be written by the op itself, not inherited
 * from an earlier call. Small planes put several images side by side in one group's planes (up to the batch a thread
 * gets), with a last group of fewer images where the batch does not divide; a batch smaller than the threads splits
 * each image's output channels, so that a GEMM starts at a row of W other than the first. Up to 64 rows of W the
 * forward's GEMM reads the planes in place, past that it packs them: cases on both sides.
 */
class PhasePlaneConvolutionTest {
    /** Largest error relative to the largest |reference| value: float sums of at most a few hundred products. */
    private static final double BOUND = 1e-5;

    static Stream<Arguments> cases() {
        int vl = VectorOps.VL;
        return Stream.of(
                // N, Cin, Cout, H, W, kernel, padding before, padding after, threads
                // the U-Net's downsampling: rows of whole vectors, and rows shorter than one
                Arguments.of(3, 5, 9, 4 * vl, 2 * vl, 3, 1, 1, 1),
                Arguments.of(5, 16, 8, 16, 16, 3, 1, 1, 2),
                Arguments.of(1, 6, 24, 16, 16, 3, 1, 1, 2),
                // DDPM's and diffusers' zeros after the image only: a zero row and column after the values
                Arguments.of(2, 3, 5, 8, 12, 3, 0, 1, 1),
                Arguments.of(3, 37, 9, 6, 10, 3, 0, 1, 2),
                // a 1x1 stride-2 convolution (no junk columns), a 5x5 one (two shifts either side), a 4x4 one whose
                // output grid (4 rows of 5) is shorter than a strip: four images to a GEMM on one thread
                Arguments.of(2, 4, 3, 8, 8, 1, 0, 0, 1),
                Arguments.of(2, 3, 4, 10, 2 * vl + 2, 5, 2, 2, 1),
                Arguments.of(4, 2, 3, 8, 6, 4, 1, 1, 1),
                // more rows of W than the GEMM reads its B in place for: B packed from the runs, in two channel
                // blocks, and on two threads each image's channels split in two such GEMMs
                Arguments.of(2, 37, 72, 6, 10, 3, 0, 1, 1),
                Arguments.of(1, 4, 144, 8, 8, 3, 1, 1, 2));
    }

    @ParameterizedTest(name = "N{0} {1}->{2} {3}x{4} k{5} pad {6},{7} threads {8}")
    @MethodSource("cases")
    void matchesTheDirectConvolution(int n, int cin, int cout, int h, int w, int k, int pad, int padEnd, int threads) {
        Conv2dSpec spec = new Conv2dSpec(k, 2, pad, padEnd);
        ConvGeometry g = new ConvGeometry(n, cin, h, w, cout, spec.outSize(h), spec.outSize(w), spec);
        int ho = g.outHeight(), wo = g.outWidth();
        SplittableRandom r = new SplittableRandom(n * 31L + cin * 7L + h + k);
        float[] x = normal(r, n * cin * h * w), weights = normal(r, cout * cin * k * k), bias = normal(r, cout);
        float[] dy = normal(r, n * cout * g.outPlane());
        Tensor xt = Tensor.of(x, n, cin, h, w), wt = Tensor.of(weights, cout, cin, k, k), dyt = Tensor.of(dy, n, cout,
                ho, wo);
        SimdBackend backend = new SimdBackend(threads);
        try {
            poisonWorkspace();
            Tensor y = Tensor.of(normal(r, n * cout * g.outPlane()), n, cout, ho, wo);
            backend.conv2d(xt, wt, Tensor.of(bias, cout), spec, y);
            Direct direct = new Direct(g, x, weights, dy);
            assertWithin(direct.output(bias), y.toArray(), BOUND, "y");
            checkGradients(backend, spec, g, xt, wt, dyt, direct, r);
        } finally {
            backend.shutdown();
        }
    }

    private static void checkGradients(SimdBackend backend, Conv2dSpec spec, ConvGeometry g, Tensor x, Tensor w,
                                       Tensor dy, Direct direct, SplittableRandom r) {
        int cout = g.outChannels();

        // Gradients are added to what the buffers hold.
        float[] dx = normal(r, x.size()), dw = normal(r, w.size()), db = normal(r, cout);
        double[] dxExpected = direct.inputGradient(), dwExpected = direct.weightGradient();
        double[] dbExpected = direct.biasGradient();
        for (int i = 0; i < dx.length; i++) {
            dxExpected[i] += dx[i];
        }
        for (int i = 0; i < dw.length; i++) {
            dwExpected[i] += dw[i];
        }
        for (int i = 0; i < db.length; i++) {
            dbExpected[i] += db[i];
        }
        Tensor dxt = Tensor.of(dx, x.shape()), dwt = Tensor.of(dw, w.shape()), dbt = Tensor.of(db, cout);
        poisonWorkspace();
        backend.conv2dBackward(x, w, dy, spec, dxt, dwt, dbt);
        assertWithin(dxExpected, dxt.toArray(), BOUND, "dx");
        assertWithin(dwExpected, dwt.toArray(), BOUND, "dw");
        assertWithin(dbExpected, dbt.toArray(), BOUND, "dbias");

        // Without an input or a bias gradient: the same weight gradient.
        Tensor dwOnly = Tensor.zeros(w.shape());
        poisonWorkspace();
        backend.conv2dBackward(x, w, dy, spec, null, dwOnly, null);
        assertWithin(direct.weightGradient(), dwOnly.toArray(), BOUND, "dw (weight-only)");
    }

    @Test
    void padsEachPhaseForTheShiftsItsTapsTake() {
        // 3x3, padding 1: tap 0 reads one before the values (odd phase), taps 1 and 2 at 0 (even and odd phase).
        PhasePlaneConvolution.Axis symmetric = PhasePlaneConvolution.Axis.of(32, 16, 3, 1);
        assertEquals(new PhasePlaneConvolution.Axis(1, 17), symmetric);
        assertEquals(1, PhasePlaneConvolution.Axis.phase(0, 1));
        assertEquals(0, symmetric.shift(0, 1));
        assertEquals(1, symmetric.shift(1, 1));
        assertEquals(1, symmetric.shift(2, 1));
        // Zeros after the image only: tap 2 reads the even phase one on, past the last value.
        PhasePlaneConvolution.Axis after = PhasePlaneConvolution.Axis.of(32, 16, 3, 0);
        assertEquals(new PhasePlaneConvolution.Axis(0, 17), after);
        assertEquals(1, after.shift(2, 0));
        // 1x1: no zeros at all.
        assertEquals(new PhasePlaneConvolution.Axis(0, 4), PhasePlaneConvolution.Axis.of(8, 4, 1, 0));
    }

    @Test
    void appliesToStrideTwoOnEvenPlanesOnly() {
        assertTrue(PhasePlaneConvolution.applies(geometry(8, 8, Conv2dSpec.downsample3x3())));
        assertTrue(PhasePlaneConvolution.applies(geometry(8, 6, Conv2dSpec.downsample3x3PadEnd())));
        assertFalse(PhasePlaneConvolution.applies(geometry(7, 8, Conv2dSpec.downsample3x3())));
        assertFalse(PhasePlaneConvolution.applies(geometry(8, 7, Conv2dSpec.downsample3x3())));
        assertFalse(PhasePlaneConvolution.applies(geometry(8, 8, Conv2dSpec.same3x3())));
        assertThrows(IllegalArgumentException.class,
                () -> new PhasePlaneConvolution(geometry(8, 8, new Conv2dSpec(3, 3, 1)), 1));
        assertThrows(IllegalArgumentException.class,
                () -> new PhasePlaneConvolution(geometry(8, 8, Conv2dSpec.downsample3x3()), 0));
    }

    @Test
    void refusesAGroupOfAnotherSize() {
        // Five images two at a time: groups of 2, the last of 1.
        Conv2dSpec spec = Conv2dSpec.downsample3x3();
        PhasePlaneConvolution conv = new PhasePlaneConvolution(
                new ConvGeometry(5, 2, 8, 8, 3, spec.outSize(8), spec.outSize(8), spec), 2);
        float[] none = new float[0];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> conv.backwardGroup(none, none, 0, 3, none, 0, null, none));
        assertEquals("3 images: groups here hold 2 or, the batch's last, 1", e.getMessage());
    }

    private static ConvGeometry geometry(int h, int w, Conv2dSpec spec) {
        return new ConvGeometry(1, 2, h, w, 3, spec.outSize(h), spec.outSize(w), spec);
    }

    /** NaN in every slot the op writes before it reads, on this thread (the only one of a one-thread pool). */
    private static void poisonWorkspace() {
        Workspace ws = Workspace.current();
        for (Workspace.Slot slot : Workspace.Slot.values()) {
            Arrays.fill(ws.get(slot, 1 << 16), Float.NaN);
        }
    }

    /** The convolution as a sum over taps in double, zero outside the image. */
    private record Direct(ConvGeometry g, float[] x, float[] w, float[] dy) {
        private interface Tap {
            void at(int n, int o, int c, int oy, int ox, int iy, int ix, int ky, int kx);
        }

        private void forEachTap(Tap tap) {
            int k = g.spec().kernel(), pad = g.spec().padding();
            for (int n = 0; n < g.batch(); n++) {
                for (int o = 0; o < g.outChannels(); o++) {
                    for (int c = 0; c < g.inChannels(); c++) {
                        for (int oy = 0; oy < g.outHeight(); oy++) {
                            for (int ox = 0; ox < g.outWidth(); ox++) {
                                for (int ky = 0; ky < k; ky++) {
                                    for (int kx = 0; kx < k; kx++) {
                                        int iy = 2 * oy - pad + ky, ix = 2 * ox - pad + kx;
                                        if (iy >= 0 && iy < g.height() && ix >= 0 && ix < g.width()) {
                                            tap.at(n, o, c, oy, ox, iy, ix, ky, kx);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        private int xAt(int n, int c, int iy, int ix) {
            return ((n * g.inChannels() + c) * g.height() + iy) * g.width() + ix;
        }

        private int yAt(int n, int o, int oy, int ox) {
            return ((n * g.outChannels() + o) * g.outHeight() + oy) * g.outWidth() + ox;
        }

        private int wAt(int o, int c, int ky, int kx) {
            int k = g.spec().kernel();
            return ((o * g.inChannels() + c) * k + ky) * k + kx;
        }

        double[] output(float[] bias) {
            double[] y = new double[g.batch() * g.outChannels() * g.outPlane()];
            for (int i = 0; i < y.length; i++) {
                y[i] = bias[i / g.outPlane() % g.outChannels()];
            }
            forEachTap((n, o, c, oy, ox, iy, ix, ky, kx) ->
                    y[yAt(n, o, oy, ox)] += (double) x[xAt(n, c, iy, ix)] * w[wAt(o, c, ky, kx)]);
            return y;
        }

        double[] inputGradient() {
            double[] dx = new double[x.length];
            forEachTap((n, o, c, oy, ox, iy, ix, ky, kx) ->
                    dx[xAt(n, c, iy, ix)] += (double) dy[yAt(n, o, oy, ox)] * w[wAt(o, c, ky, kx)]);
            return dx;
        }

        double[] weightGradient() {
            double[] dw = new double[w.length];
            forEachTap((n, o, c, oy, ox, iy, ix, ky, kx) ->
                    dw[wAt(o, c, ky, kx)] += (double) dy[yAt(n, o, oy, ox)] * x[xAt(n, c, iy, ix)]);
            return dw;
        }

        double[] biasGradient() {
            double[] db = new double[g.outChannels()];
            for (int i = 0; i < dy.length; i++) {
                db[i / g.outPlane() % g.outChannels()] += dy[i];
            }
            return db;
        }
    }

    private static float[] normal(SplittableRandom r, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) nextGaussian(r);
        }
        return v;
    }

    private static double nextGaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
