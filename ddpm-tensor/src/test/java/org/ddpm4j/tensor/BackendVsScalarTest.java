package org.ddpm4j.tensor;

import static org.ddpm4j.tensor.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every op of an optimised backend against the scalar reference, on shapes chosen to hit vector tails, edge tiles
 * of the GEMM, blocking boundaries (K &gt; KC, M &gt; MC, N &gt; NC), work-group padding and fewer work items than
 * threads. Gradient buffers start non-zero so that accumulation ({@code +=}) is checked too. Subclasses supply the
 * backend.
 */
abstract class BackendVsScalarTest {
    private static final Tolerances.Tolerance TOL = Tolerances.KERNEL_VS_REFERENCE;
    private static final Backend SCALAR = new ScalarBackend();
    /** Inputs of {@link #groupNormOfInputsFarFromZero}: their mean, and their spread about it. */
    private static final float FAR_OFFSET = 1000f, FAR_SPREAD = 1f;

    /** The backend under test. */
    abstract Backend candidate();

    /** How closely its double-returning reductions must match the scalar reference's. */
    Tolerances.Tolerance reductionTolerance() {
        return Tolerances.REDUCTION;
    }

    static Stream<Arguments> convCases() {
        return Stream.of(
                // N, Cin, Cout, H, W, kernel, stride, padding before, padding after
                Arguments.of(2, 3, 5, 7, 9, 3, 1, 1, 1),
                Arguments.of(3, 4, 6, 8, 8, 3, 2, 1, 1),
                Arguments.of(2, 5, 7, 6, 5, 1, 1, 0, 0),
                Arguments.of(1, 3, 13, 11, 7, 3, 1, 1, 1),
                Arguments.of(2, 1, 16, 9, 9, 3, 1, 1, 1),
                Arguments.of(2, 3, 4, 7, 7, 3, 2, 0, 0),
                Arguments.of(3, 37, 9, 5, 5, 3, 1, 1, 1),
                Arguments.of(1, 4, 130, 6, 6, 3, 1, 1, 1),
                Arguments.of(1, 2, 3, 48, 48, 3, 1, 1, 1),
                Arguments.of(4, 8, 8, 4, 4, 1, 2, 0, 0),
                // the U-Net's stride-2 downsampling of a 32×32 plane: output rows of one vector, read from column
                // phases (SIMD), with a tail after the phases' whole vectors
                Arguments.of(2, 5, 6, 32, 32, 3, 2, 1, 1),
                Arguments.of(1, 3, 4, 30, 34, 3, 2, 1, 1),
                // a weight gradient large enough (64·64·9) that the per-chunk partials are added by several threads
                Arguments.of(3, 64, 64, 8, 8, 3, 2, 1, 1),
                // diffusers' and TensorFlow's stride-2 downsampling: zeros after the image only
                Arguments.of(2, 3, 5, 8, 8, 3, 2, 0, 1),
                Arguments.of(1, 37, 9, 6, 10, 3, 2, 0, 1),
                // one output channel (the U-Net's last layer): rows narrower than a vector, with a tail, one pixel
                Arguments.of(3, 5, 1, 7, 9, 3, 1, 1, 1),
                Arguments.of(2, 16, 1, 5, 37, 3, 1, 1, 1),
                Arguments.of(2, 4, 1, 1, 1, 3, 1, 1, 1),
                Arguments.of(2, 3, 1, 8, 8, 3, 2, 1, 1),
                // one input channel (the U-Net's first layer on grey images): the same widths, and one in and out
                Arguments.of(3, 1, 6, 7, 9, 3, 1, 1, 1),
                Arguments.of(5, 1, 3, 4, 32, 3, 1, 1, 1),
                Arguments.of(2, 1, 16, 5, 37, 3, 1, 1, 1),
                Arguments.of(2, 1, 4, 1, 1, 3, 1, 1, 1),
                Arguments.of(2, 1, 1, 6, 6, 3, 1, 1, 1),
                Arguments.of(2, 1, 5, 8, 8, 3, 2, 1, 1),
                // two to seven output channels (the U-Net's last layer on colour images), by three at a time: a row
                // with a tail, a row of one vector, two groups, a last group of one, a plane of one row
                Arguments.of(2, 37, 3, 5, 37, 3, 1, 1, 1),
                Arguments.of(3, 16, 2, 6, 16, 3, 1, 1, 1),
                Arguments.of(2, 9, 6, 4, 20, 3, 1, 1, 1),
                Arguments.of(1, 5, 7, 3, 33, 3, 1, 1, 1),
                Arguments.of(2, 4, 4, 1, 17, 3, 1, 1, 1));
    }

    @ParameterizedTest(name = "N{0} {1}->{2} {3}x{4} k{5} s{6} p{7},{8}")
    @MethodSource("convCases")
    void conv2dForwardAndBackward(int n, int cin, int cout, int h, int w, int k, int s, int p, int pe) {
        RandomTensors r = new RandomTensors(11 + n * 31L + cin * 7L + cout);
        Conv2dSpec spec = new Conv2dSpec(k, s, p, pe);
        Tensor x = r.normal(n, cin, h, w), wt = r.normal(cout, cin, k, k), b = r.normal(cout);
        int ho = spec.outSize(h), wo = spec.outSize(w);
        Tensor ys = Tensor.zeros(n, cout, ho, wo), yv = r.normal(n, cout, ho, wo);
        SCALAR.conv2d(x, wt, b, spec, ys);
        candidate().conv2d(x, wt, b, spec, yv);
        assertClose(ys, yv, TOL, "conv2d y");

        Tensor dy = r.normal(n, cout, ho, wo);
        Tensor dxs = r.normal(n, cin, h, w), dws = r.normal(cout, cin, k, k), dbs = r.normal(cout);
        Tensor dxv = dxs.copy(), dwv = dws.copy(), dbv = dbs.copy();
        SCALAR.conv2dBackward(x, wt, dy, spec, dxs, dws, dbs);
        candidate().conv2dBackward(x, wt, dy, spec, dxv, dwv, dbv);
        assertClose(dxs, dxv, TOL, "conv2d dx");
        assertClose(dws, dwv, TOL, "conv2d dw");
        assertClose(dbs, dbv, TOL, "conv2d dbias");

        // Weight-only backward (first layer): same dw, and no input gradient.
        Tensor dwOnly = Tensor.zeros(cout, cin, k, k), dwRef = Tensor.zeros(cout, cin, k, k);
        SCALAR.conv2dBackward(x, wt, dy, spec, null, dwRef, null);
        candidate().conv2dBackward(x, wt, dy, spec, null, dwOnly, null);
        assertClose(dwRef, dwOnly, TOL, "conv2d dw (weight-only)");
    }

    /**
     * A convolution with a residual block's terms: on the Winograd paths over channels (3·32·8·8) and over tiles
     * (1·16·16·16), on the direct one (3 channels), with the shift alone, the residual alone, and both.
     */
    @ParameterizedTest(name = "N{0} {1}->{2} {3}x{3} shift={4} residual={5}")
    @CsvSource({"3, 32, 32, 8, true, true", "3, 32, 32, 8, true, false", "3, 32, 32, 8, false, true",
            "1, 16, 16, 16, true, true", "1, 16, 16, 16, false, true", "2, 3, 5, 7, true, true"})
    void conv2dPlusAddsTheShiftAndTheResidual(int n, int cin, int cout, int side, boolean withShift,
                                              boolean withResidual) {
        RandomTensors r = new RandomTensors(29 + n * 7L + cin + side);
        Tensor x = r.normal(n, cin, side, side), wt = r.normal(cout, cin, 3, 3), b = r.normal(cout);
        Tensor shift = withShift ? r.normal(n, cout) : null, residual = withResidual ? r.normal(n, cout, side, side) : null;
        Tensor ys = Tensor.zeros(n, cout, side, side), yv = r.normal(n, cout, side, side);
        SCALAR.conv2dPlus(x, wt, b, Conv2dSpec.same3x3(), shift, residual, ys);
        candidate().conv2dPlus(x, wt, b, Conv2dSpec.same3x3(), shift, residual, yv);
        assertClose(ys, yv, TOL, "conv2dPlus y");
    }

    static Stream<Arguments> matmulCases() {
        return Stream.of(
                // batch (0 = rank 2), shared b, M, N, K
                Arguments.of(0, false, 1, 1, 1),
                Arguments.of(0, false, 7, 13, 5),
                Arguments.of(0, false, 131, 70, 300),
                Arguments.of(0, false, 5, 2100, 9),
                Arguments.of(3, false, 17, 33, 19),
                Arguments.of(2, true, 6, 32, 7),
                Arguments.of(5, false, 4, 3, 2));
    }

    @ParameterizedTest(name = "B{0} shared{1} M{2} N{3} K{4}")
    @MethodSource("matmulCases")
    void matmulAllTransposes(int batch, boolean sharedB, int m, int n, int k) {
        RandomTensors r = new RandomTensors(m * 1000L + n * 10L + k);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (boolean acc : new boolean[] {false, true}) {
                    int[] aShape = ta ? new int[] {k, m} : new int[] {m, k};
                    int[] bShape = tb ? new int[] {n, k} : new int[] {k, n};
                    Tensor a = batch == 0 ? r.normal(aShape) : r.normal(batch, aShape[0], aShape[1]);
                    Tensor b = batch == 0 || sharedB ? r.normal(bShape) : r.normal(batch, bShape[0], bShape[1]);
                    Tensor cs = batch == 0 ? r.normal(m, n) : r.normal(batch, m, n), cv = cs.copy();
                    SCALAR.matmul(a, ta, b, tb, cs, 0.75f, acc);
                    candidate().matmul(a, ta, b, tb, cv, 0.75f, acc);
                    assertClose(cs, cv, TOL, "matmul ta=" + ta + " tb=" + tb + " acc=" + acc);
                }
            }
        }
    }

    @Test
    void linearForwardAndBackward() {
        RandomTensors r = new RandomTensors(5);
        Tensor x = r.normal(9, 37), w = r.normal(21, 37), b = r.normal(21);
        Tensor ys = Tensor.zeros(9, 21), yv = Tensor.zeros(9, 21);
        SCALAR.linear(x, w, b, ys);
        candidate().linear(x, w, b, yv);
        assertClose(ys, yv, TOL, "linear y");
        Tensor dy = r.normal(9, 21);
        Tensor dxs = r.normal(9, 37), dws = r.normal(21, 37), dbs = r.normal(21);
        Tensor dxv = dxs.copy(), dwv = dws.copy(), dbv = dbs.copy();
        SCALAR.linearBackward(x, w, dy, dxs, dws, dbs);
        candidate().linearBackward(x, w, dy, dxv, dwv, dbv);
        assertClose(dxs, dxv, TOL, "linear dx");
        assertClose(dws, dwv, TOL, "linear dw");
        assertClose(dbs, dbv, TOL, "linear dbias");
    }

    static Stream<Arguments> groupNormCases() {
        return Stream.of(
                // N, C, H, W, groups, affine
                Arguments.of(2, 6, 5, 7, 3, true),
                Arguments.of(3, 8, 4, 4, 8, false),
                Arguments.of(1, 32, 3, 3, 32, true),
                Arguments.of(2, 64, 9, 9, 32, true),
                // enough work per group for a chunk per thread, each chunk several groups long
                Arguments.of(4, 32, 16, 16, 8, true));
    }

    @ParameterizedTest(name = "N{0} C{1} {2}x{3} G{4} affine{5}")
    @MethodSource("groupNormCases")
    void groupNormForwardAndBackward(int n, int c, int h, int w, int groups, boolean affine) {
        RandomTensors r = new RandomTensors(n * 100L + c);
        Tensor x = r.normal(n, c, h, w);
        x = shifted(x, 3f);
        Tensor gamma = affine ? r.normal(c) : null, beta = affine ? r.normal(c) : null;
        Tensor ys = Tensor.zeros(n, c, h, w), yv = Tensor.zeros(n, c, h, w);
        Tensor ms = Tensor.zeros(n, groups), rs = Tensor.zeros(n, groups);
        Tensor mv = Tensor.zeros(n, groups), rv = Tensor.zeros(n, groups);
        SCALAR.groupNorm(x, gamma, beta, groups, 1e-5f, ys, ms, rs);
        candidate().groupNorm(x, gamma, beta, groups, 1e-5f, yv, mv, rv);
        assertClose(ys, yv, TOL, "groupNorm y");
        assertClose(ms, mv, TOL, "groupNorm mean");
        assertClose(rs, rv, TOL, "groupNorm rstd");

        // dx written whatever it held (the two start different); dγ and dβ accumulated (they start equal, non-zero).
        Tensor dy = r.normal(n, c, h, w);
        Tensor dxs = r.normal(n, c, h, w), dxv = r.normal(n, c, h, w);
        Tensor dgs = affine ? r.normal(c) : null, dbs = affine ? r.normal(c) : null;
        Tensor dgv = affine ? dgs.copy() : null, dbv = affine ? dbs.copy() : null;
        SCALAR.groupNormBackward(x, gamma, ms, rs, dy, groups, dxs, dgs, dbs);
        candidate().groupNormBackward(x, gamma, ms, rs, dy, groups, dxv, dgv, dbv);
        assertClose(dxs, dxv, TOL, "groupNorm dx");
        if (affine) {
            assertClose(dgs, dgv, TOL, "groupNorm dgamma");
            assertClose(dbs, dbv, TOL, "groupNorm dbeta");
        }

        // Through SiLU: the same statistics, and dx written whatever it held (the work buffer's contents do not matter).
        Tensor zs = Tensor.zeros(n, c, h, w), zv = Tensor.zeros(n, c, h, w);
        Tensor ms2 = Tensor.zeros(n, groups), rs2 = Tensor.zeros(n, groups);
        Tensor mv2 = Tensor.zeros(n, groups), rv2 = Tensor.zeros(n, groups);
        SCALAR.groupNormSilu(x, gamma, beta, groups, 1e-5f, zs, ms2, rs2);
        candidate().groupNormSilu(x, gamma, beta, groups, 1e-5f, zv, mv2, rv2);
        assertClose(zs, zv, TOL, "groupNormSilu y");
        assertClose(ms, mv2, TOL, "groupNormSilu mean");
        assertClose(rs, rv2, TOL, "groupNormSilu rstd");
        Tensor dz = r.normal(n, c, h, w);
        Tensor dxs2 = r.normal(n, c, h, w), dxv2 = r.normal(n, c, h, w);
        Tensor dgs2 = affine ? r.normal(c) : null, dbs2 = affine ? r.normal(c) : null;
        Tensor dgv2 = affine ? dgs2.copy() : null, dbv2 = affine ? dbs2.copy() : null;
        SCALAR.groupNormSiluBackward(x, gamma, beta, groups, 1e-5f, ms, rs, dz, dxs2, dgs2, dbs2, r.normal(n, c, h, w));
        candidate().groupNormSiluBackward(x, gamma, beta, groups, 1e-5f, ms, rs, dz, dxv2, dgv2, dbv2,
                r.normal(n, c, h, w));
        assertClose(dxs2, dxv2, TOL, "groupNormSilu dx");
        if (affine) {
            assertClose(dgs2, dgv2, TOL, "groupNormSilu dgamma");
            assertClose(dbs2, dbv2, TOL, "groupNormSilu dbeta");
        }
    }

    /**
     * Inputs far from zero against their spread (a mean of 1000, σ of 1): the variance taken in one pass as
     * Σx²/n − μ² in float loses most of its digits here (Σx² is a million times σ²), so a backend that takes the
     * statistics in one pass must take them about a point near the mean. Both layouts: channels of whole vector pairs
     * (the SIMD backend's fused pass) and odd planes.
     */
    @ParameterizedTest(name = "N{0} C{1} {2}x{3} G{4}")
    @CsvSource({"2, 64, 32, 32, 32", "3, 8, 9, 9, 4"})
    void groupNormOfInputsFarFromZero(int n, int c, int h, int w, int groups) {
        RandomTensors r = new RandomTensors(n * 7L + c);
        Tensor x = r.normal(n, c, h, w).update(v -> {
            for (int i = 0; i < v.length; i++) {
                v[i] = FAR_OFFSET + FAR_SPREAD * v[i];
            }
        });
        Tensor gamma = r.normal(c), beta = r.normal(c);
        for (boolean silu : new boolean[] {false, true}) {
            Tensor ys = Tensor.zeros(n, c, h, w), yv = Tensor.zeros(n, c, h, w);
            Tensor ms = Tensor.zeros(n, groups), rs = Tensor.zeros(n, groups);
            Tensor mv = Tensor.zeros(n, groups), rv = Tensor.zeros(n, groups);
            if (silu) {
                SCALAR.groupNormSilu(x, gamma, beta, groups, 1e-5f, ys, ms, rs);
                candidate().groupNormSilu(x, gamma, beta, groups, 1e-5f, yv, mv, rv);
            } else {
                SCALAR.groupNorm(x, gamma, beta, groups, 1e-5f, ys, ms, rs);
                candidate().groupNorm(x, gamma, beta, groups, 1e-5f, yv, mv, rv);
            }
            String op = silu ? "groupNormSilu" : "groupNorm";
            assertClose(ms, mv, TOL, op + " mean");
            assertClose(rs, rv, TOL, op + " rstd");
            assertClose(ys, yv, TOL, op + " y");
        }
    }

    /**
     * A convolution of no input channels is its bias, as in the scalar reference: its GEMM has an empty inner sum (no
     * division by a depth of zero), on each path a convolution can take (3×3 at stride 1 and 2, 1×1, one output and a
     * few outputs), and its backward adds dy's sums to the bias gradient.
     */
    @ParameterizedTest(name = "0 -> {0}, k{1} s{2}")
    @CsvSource({"32, 3, 1", "32, 3, 2", "32, 1, 1", "3, 3, 1", "1, 3, 1", "3, 3, 2"})
    void aConvolutionOfNoInputChannelsIsItsBias(int cout, int k, int stride) {
        RandomTensors r = new RandomTensors(41 + cout * 3L + k + stride);
        Conv2dSpec spec = new Conv2dSpec(k, stride, k / 2);
        int side = 8, out = spec.outSize(side);
        Tensor x = Tensor.zeros(2, 0, side, side), w = Tensor.zeros(cout, 0, k, k), b = r.normal(cout);
        Tensor ys = Tensor.zeros(2, cout, out, out), yv = r.normal(2, cout, out, out);
        SCALAR.conv2d(x, w, b, spec, ys);
        candidate().conv2d(x, w, b, spec, yv);
        assertClose(ys, yv, TOL, "conv2d y");
        assertEquals(b.toArray()[cout - 1], yv.toArray()[yv.size() - 1], "the last output is the last bias");

        Tensor dy = r.normal(2, cout, out, out), dbs = r.normal(cout), dbv = dbs.copy();
        SCALAR.conv2dBackward(x, w, dy, spec, x.zerosLike(), w.zerosLike(), dbs);
        candidate().conv2dBackward(x, w, dy, spec, x.zerosLike(), w.zerosLike(), dbv);
        assertClose(dbs, dbv, TOL, "conv2d dbias");
    }

    /**
     * A convolution to no output channels has no output, and its backward adds nothing to dx or dw, on each path (the
     * OpenCL backend's weight gradient divided by zero on it before, and the SIMD backend's stride-2 input gradient
     * added a product of depth zero that it had not written, whatever its scratch memory held).
     */
    @ParameterizedTest(name = "32 -> 0, k{0} s{1}")
    @CsvSource({"3, 1", "3, 2", "1, 1"})
    void aConvolutionToNoOutputChannelsAddsNothing(int k, int stride) {
        RandomTensors r = new RandomTensors(43 + k + stride);
        Conv2dSpec spec = new Conv2dSpec(k, stride, k / 2);
        int side = 8, out = spec.outSize(side);
        Tensor x = r.normal(2, 32, side, side), w = Tensor.zeros(0, 32, k, k), y = Tensor.zeros(2, 0, out, out);
        // A backward with weights first, so that any scratch memory the empty one might read holds values.
        candidate().conv2dBackward(x, r.normal(32, 32, k, k), r.normal(2, 32, out, out), spec, x.zerosLike(),
                Tensor.zeros(32, 32, k, k), Tensor.zeros(32));
        candidate().conv2d(x, w, Tensor.zeros(0), spec, y);
        Tensor dx = r.normal(2, 32, side, side), before = dx.copy();
        candidate().conv2dBackward(x, w, y, spec, dx, w.zerosLike(), Tensor.zeros(0));
        assertArrayEquals(before.toArray(), dx.toArray(), "dx as it was");
    }

    /**
     * A batch of no images is no error, as in the scalar reference: the convolutions on each of their paths
     * (Winograd's, stride 2's phase planes, one input and one output channel) and GroupNorm (+ SiLU) run forward and
     * backward, and the parameter gradients keep what they held.
     */
    @ParameterizedTest(name = "{0} -> {1}, stride {2}")
    @CsvSource({"32, 32, 1", "32, 32, 2", "1, 32, 1", "32, 1, 1"})
    void anEmptyBatchLeavesTheGradientsAsTheyWere(int cin, int cout, int stride) {
        Conv2dSpec spec = stride == 1 ? Conv2dSpec.same3x3() : Conv2dSpec.downsample3x3();
        int side = 8, out = side / stride;
        Tensor x = Tensor.zeros(0, cin, side, side), w = new RandomTensors(cin + cout).normal(cout, cin, 3, 3);
        Tensor dw = Tensor.zeros(cout, cin, 3, 3).fill(0.5f), db = Tensor.zeros(cout).fill(0.25f);
        candidate().conv2d(x, w, null, spec, Tensor.zeros(0, cout, out, out));
        candidate().conv2dBackward(x, w, Tensor.zeros(0, cout, out, out), spec, x.zerosLike(), dw, db);
        assertArrayEquals(Tensor.zeros(cout, cin, 3, 3).fill(0.5f).toArray(), dw.toArray(), "dw");
        assertArrayEquals(Tensor.zeros(cout).fill(0.25f).toArray(), db.toArray(), "dbias");
        if (cin == 1 || stride != 1) {
            return;
        }
        Tensor gamma = Tensor.zeros(cin).fill(1f), beta = Tensor.zeros(cin), mean = Tensor.zeros(0, 8);
        Tensor rstd = Tensor.zeros(0, 8), dGamma = Tensor.zeros(cin).fill(0.5f), dBeta = Tensor.zeros(cin).fill(0.25f);
        candidate().groupNorm(x, gamma, beta, 8, 1e-5f, x.zerosLike(), mean, rstd);
        candidate().groupNormBackward(x, gamma, mean, rstd, x.zerosLike(), 8, x.zerosLike(), dGamma, dBeta);
        candidate().groupNormSilu(x, gamma, beta, 8, 1e-5f, x.zerosLike(), mean, rstd);
        candidate().groupNormSiluBackward(x, gamma, beta, 8, 1e-5f, mean, rstd, x.zerosLike(), x.zerosLike(), dGamma,
                dBeta, x.zerosLike());
        assertArrayEquals(Tensor.zeros(cin).fill(0.5f).toArray(), dGamma.toArray(), "dgamma");
        assertArrayEquals(Tensor.zeros(cin).fill(0.25f).toArray(), dBeta.toArray(), "dbeta");
    }

    /**
     * The ops that the convolutions' and GroupNorm's case above leaves out, on a batch of no samples (or a tensor of no
     * elements): each does what the scalar reference does, leaving every accumulated gradient as it was, or throws
     * the same exception.
     */
    static Stream<Arguments> emptyBatchOps() {
        Tensor gamma = Tensor.zeros(4).fill(0.5f);
        return Stream.of(
                emptyCase("matmul", be -> {
                    Tensor c = Tensor.zeros(0, 3, 5);
                    be.matmul(Tensor.zeros(0, 3, 4), false, Tensor.zeros(0, 4, 5), false, c, 1f, false);
                    // A sum over no samples, as a weight gradient takes over an empty batch: C = 0, or C as it was.
                    Tensor overNone = Tensor.zeros(2, 3, 5).fill(0.5f), addedNone = overNone.copy();
                    be.matmul(Tensor.zeros(2, 0, 3), true, Tensor.zeros(2, 0, 5), false, overNone, 1f, false);
                    be.matmul(Tensor.zeros(2, 0, 3), true, Tensor.zeros(2, 0, 5), false, addedNone, 1f, true);
                    return List.of(c, overNone, addedNone);
                }),
                emptyCase("linear and its backward", be -> {
                    Tensor w = Tensor.zeros(5, 4).fill(0.125f), dw = w.zerosLike().fill(0.5f);
                    Tensor db = Tensor.zeros(5).fill(0.25f), y = Tensor.zeros(0, 5);
                    be.linear(Tensor.zeros(0, 4), w, Tensor.zeros(5), y);
                    be.linearBackward(Tensor.zeros(0, 4), w, Tensor.zeros(0, 5), Tensor.zeros(0, 4), dw, db);
                    return List.of(y, dw, db);
                }),
                emptyCase("softmax and its backward", be -> {
                    Tensor y = Tensor.zeros(0, 6), dx = Tensor.zeros(0, 6);
                    be.softmax(Tensor.zeros(0, 6), y);
                    be.softmaxBackward(y, Tensor.zeros(0, 6), dx);
                    return List.of(y, dx);
                }),
                emptyCase("attention and its backward", be -> {
                    Tensor q = Tensor.zeros(0, 4, 9), out = q.zerosLike(), probs = Tensor.zeros(0, 9, 9);
                    be.attention(q, q.zerosLike(), q.zerosLike(), out, probs);
                    Tensor dq = q.zerosLike(), dk = q.zerosLike(), dv = q.zerosLike();
                    be.attentionBackward(q, q.zerosLike(), q.zerosLike(), probs, q.zerosLike(), dq, dk, dv);
                    return List.of(out, probs, dq, dk, dv);
                }),
                emptyCase("upsample2x and its backward", be -> {
                    Tensor y = Tensor.zeros(0, 4, 6, 6), dx = Tensor.zeros(0, 4, 3, 3);
                    be.upsample2x(Tensor.zeros(0, 4, 3, 3), y);
                    be.upsample2xBackward(y, dx);
                    return List.of(y, dx);
                }),
                emptyCase("concatChannels and splitChannelsBackward", be -> {
                    Tensor out = Tensor.zeros(0, 5, 3, 3), da = Tensor.zeros(0, 2, 3, 3), db = Tensor.zeros(0, 3, 3, 3);
                    be.concatChannels(Tensor.zeros(0, 2, 3, 3), Tensor.zeros(0, 3, 3, 3), out);
                    be.splitChannelsBackward(out, da, db);
                    return List.of(out, da, db);
                }),
                emptyCase("addChannelVector and its backward", be -> {
                    Tensor out = Tensor.zeros(0, 4, 3, 3), dv = gamma.copy();
                    be.addChannelVector(Tensor.zeros(0, 4, 3, 3), gamma, out);
                    be.addChannelVectorBackward(out, dv);
                    return List.of(out, dv);
                }),
                emptyCase("conv2dPlus", be -> {
                    Tensor y = Tensor.zeros(0, 4, 5, 5);
                    be.conv2dPlus(Tensor.zeros(0, 3, 5, 5), Tensor.zeros(4, 3, 3, 3), Tensor.zeros(4),
                            Conv2dSpec.same3x3(), Tensor.zeros(0, 4), Tensor.zeros(0, 4, 5, 5), y);
                    return List.of(y);
                }),
                emptyCase("element-wise ops", be -> {
                    Tensor a = Tensor.zeros(0, 3), out = a.zerosLike();
                    be.add(a, a, out);
                    be.mul(a, a, out);
                    be.scale(a, 2f, out);
                    be.axpy(2f, a, out);
                    be.axpby(2f, a, 0.5f, out);
                    be.addProduct(a, a, out);
                    be.silu(a, out);
                    be.siluBackward(a, a, out);
                    be.copy(a, out);
                    be.clamp(a, -1f, 1f, out);
                    be.gaussianNoise(1L, out);
                    return List.of(out);
                }),
                emptyCase("dropout and its backward", be -> {
                    Tensor y = Tensor.zeros(0, 4, 3, 3), mask = y.zerosLike(), dx = y.zerosLike();
                    be.dropout(Tensor.zeros(0, 4, 3, 3), 0.1f, 3L, y, mask);
                    be.dropoutBackward(y, mask, dx);
                    return List.of(y, mask, dx);
                }),
                emptyCase("combinePerSample", be -> {
                    Tensor out = Tensor.zeros(0, 7);
                    be.combinePerSample(Tensor.zeros(0, 7), new float[0], Tensor.zeros(0, 7), new float[0], out);
                    return List.of(out);
                }),
                emptyCase("adamUpdate", be -> {
                    Tensor p = Tensor.zeros(0);
                    be.adamUpdate(p, p.zerosLike(), p.zerosLike(), p.zerosLike(),
                            new AdamCoefficients(1e-3f, 0.9f, 0.999f, 1f, 1e-8f));
                    return List.of(p);
                }),
                emptyCase("losses and reductions", be -> {
                    Tensor a = Tensor.zeros(0, 5), dpred = a.zerosLike();
                    be.mseLossBackward(a, a, 1f, dpred);
                    double[] perSample = new double[0];
                    be.meanSquaredErrorPerSample(a, a, perSample);
                    return List.of(dpred, Tensor.of(new float[] {(float) be.mseLoss(a, a), (float) be.sum(a),
                            (float) be.sumOfSquares(a), (float) be.mean(a)}, 4));
                }));
    }

    private interface EmptyBatchOp {
        /** Runs the op on {@code be} and returns every tensor it wrote or accumulated into. */
        List<Tensor> run(Backend be);
    }

    private static Arguments emptyCase(String name, EmptyBatchOp op) {
        return Arguments.of(name, op);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("emptyBatchOps")
    void anEmptyBatchDoesWhatTheScalarReferenceDoes(String name, EmptyBatchOp op) {
        List<Tensor> expected;
        try {
            expected = op.run(SCALAR);
        } catch (RuntimeException reference) {
            assertThrows(reference.getClass(), () -> op.run(candidate()), name);
            return;
        }
        List<Tensor> actual = op.run(candidate());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i).shape(), actual.get(i).shape(), name + ", output " + i);
            assertArrayEquals(expected.get(i).toArray(), actual.get(i).toArray(), name + ", output " + i);
        }
    }

    @ParameterizedTest(name = "size {0}")
    @ValueSource(ints = {1, 15, 16, 17, 33, 4095, 4097, 70001})
    void elementwiseOps(int size) {
        RandomTensors r = new RandomTensors(size);
        Tensor a = r.normal(size), b = r.normal(size);
        a.update(v -> v[0] = -90f); // exp overflow in σ(−x): silu must give −0, not NaN
        check("silu", a, (be, out) -> be.silu(a, out));
        check("add", a, (be, out) -> be.add(a, b, out));
        check("mul", a, (be, out) -> be.mul(a, b, out));
        check("scale", a, (be, out) -> be.scale(a, -1.5f, out));
        check("copy", a, (be, out) -> be.copy(a, out));
        Tensor start = r.normal(size);
        checkFromStart("siluBackward", start, (be, acc) -> be.siluBackward(a, b, acc));
        checkFromStart("axpy", start, (be, acc) -> be.axpy(0.3f, a, acc));
        checkFromStart("axpby", start, (be, acc) -> be.axpby(0.3f, a, 0.7f, acc));
        checkFromStart("addProduct", start, (be, acc) -> be.addProduct(a, b, acc));
        checkFromStart("mseLossBackward", start, (be, acc) -> be.mseLossBackward(a, b, 0.5f, acc));
        assertReduction(SCALAR.sum(a), candidate().sum(a), "sum");
        assertReduction(SCALAR.sumOfSquares(a), candidate().sumOfSquares(a), "sumOfSquares");
        assertReduction(SCALAR.mseLoss(a, b), candidate().mseLoss(a, b), "mseLoss");
        assertReduction(SCALAR.mean(a), candidate().mean(a), "mean");
    }

    /**
     * Each tensor's sum of squares from one call, as {@code sumOfSquares} gives it alone: sizes around the device's
     * reduction chunk, an empty tensor, and a tensor holding a NaN (whose sum must stay NaN, for the trainer's check).
     */
    @Test
    void sumsOfSquaresOfManyTensors() {
        RandomTensors r = new RandomTensors(31);
        List<Tensor> xs = new ArrayList<>();
        for (int size : new int[] {1, 255, 256, 257, 0, 4097, 70001, 3}) {
            xs.add(r.normal(size));
        }
        xs.get(7).update(v -> v[1] = Float.NaN);
        double[] got = new double[xs.size()];
        candidate().sumsOfSquares(xs, got);
        for (int i = 0; i < xs.size(); i++) {
            double expected = SCALAR.sumOfSquares(xs.get(i));
            if (Double.isNaN(expected)) {
                assertTrue(Double.isNaN(got[i]), "tensor " + i + ": expected NaN but was " + got[i]);
            } else {
                assertReduction(expected, got[i], "sumsOfSquares, tensor " + i);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> candidate().sumsOfSquares(xs, new double[2]));
        assertThrows(IllegalArgumentException.class, () -> candidate().sumsOfSquares(xs, null));
        assertThrows(IllegalArgumentException.class, () -> candidate().sumsOfSquares(Arrays.asList(xs.get(0), null),
                new double[2]));
    }

    /** The per-sample combination and the clamp, out of place and in place on either operand. */
    @ParameterizedTest(name = "{0} samples of {1}")
    @CsvSource({"1,1", "3,17", "2,1024", "5,4097"})
    void perSampleArithmetic(int samples, int per) {
        RandomTensors r = new RandomTensors(7L * samples + per);
        Tensor x = r.normal(samples, per), y = r.normal(samples, per);
        float[] a = new float[samples], c = new float[samples];
        for (int b = 0; b < samples; b++) {
            a[b] = 0.5f + b;
            c[b] = -0.25f * (b + 1);
        }
        check("combinePerSample", x, (be, out) -> be.combinePerSample(x, a, y, c, out));
        check("combinePerSample into x", x, (be, out) -> {
            out.copyFrom(x);
            be.combinePerSample(out, a, y, c, out);
        });
        check("combinePerSample into y", x, (be, out) -> {
            out.copyFrom(y);
            be.combinePerSample(x, a, out, c, out);
        });
        check("clamp", x, (be, out) -> be.clamp(x, -0.5f, 0.75f, out));
        check("clamp in place", x, (be, out) -> {
            out.copyFrom(x);
            be.clamp(out, -0.5f, 0.75f, out);
        });
        assertThrows(IllegalArgumentException.class,
                () -> candidate().combinePerSample(x, new float[samples + 1], y, c, x.zerosLike()));
    }

    /** Each sample's mean squared error, for sample counts that do and do not divide the vector length. */
    @ParameterizedTest(name = "{0} samples of {1}")
    @CsvSource({"1,1", "3,17", "4,1024", "5,4097"})
    void meanSquaredErrorPerSample(int samples, int per) {
        RandomTensors r = new RandomTensors(samples * per);
        Tensor a = r.normal(samples * per).reshape(samples, per), b = r.normal(samples * per).reshape(samples, per);
        double[] expected = new double[samples], actual = new double[samples];
        SCALAR.meanSquaredErrorPerSample(a, b, expected);
        candidate().meanSquaredErrorPerSample(a, b, actual);
        for (int i = 0; i < samples; i++) {
            assertReduction(expected[i], actual[i], "meanSquaredErrorPerSample[" + i + "]");
        }
        double mean = java.util.Arrays.stream(expected).average().orElseThrow();
        assertReduction(SCALAR.mseLoss(a, b), mean, "mean of the per-sample terms against mseLoss");
    }

    /**
     * A reduction after a larger one: buffers kept from the larger call must not leak into the smaller. Sums of
     * normals cancel, so the error is judged against Σ|x| (float-lane partials are exact to that scale, not |Σx|).
     */
    @Test
    void reductionsOfShrinkingSizes() {
        RandomTensors r = new RandomTensors(12);
        for (int size : new int[] {5000, 700, 3}) {
            Tensor a = r.normal(size);
            double scale = SCALAR.sumOfSquares(a) + java.util.Arrays.stream(toDoubles(a)).map(Math::abs).sum();
            for (boolean squares : new boolean[] {false, true}) {
                double expected = squares ? SCALAR.sumOfSquares(a) : SCALAR.sum(a);
                double actual = squares ? candidate().sumOfSquares(a) : candidate().sum(a);
                Tolerances.Tolerance tol = reductionTolerance();
                if (!(Math.abs(actual - expected) <= tol.abs() + tol.rel() * scale)) {
                    throw new AssertionError((squares ? "sumOfSquares" : "sum") + " of " + size + ": expected "
                            + expected + " but was " + actual);
                }
            }
        }
    }

    private static double[] toDoubles(Tensor t) {
        double[] d = new double[t.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = t.get(i);
        }
        return d;
    }

    /** The ops the Backend allows in place (output = an input), from one start on both backends. */
    @ParameterizedTest(name = "size {0}")
    @ValueSource(ints = {1, 65, 4097})
    void inPlaceOps(int size) {
        RandomTensors r = new RandomTensors(size + 3L);
        Tensor other = r.normal(size);
        checkFromStart("silu in place", r.normal(size), (be, t) -> be.silu(t, t));
        checkFromStart("add into a", r.normal(size), (be, t) -> be.add(t, other, t));
        checkFromStart("add into b", r.normal(size), (be, t) -> be.add(other, t, t));
        checkFromStart("mul into b", r.normal(size), (be, t) -> be.mul(other, t, t));
        checkFromStart("scale in place", r.normal(size), (be, t) -> be.scale(t, 0.5f, t));
        checkFromStart("softmax in place", r.normal(3, size), (be, t) -> be.softmax(t, t));
        checkFromStart("dropout in place", r.normal(size), (be, t) -> be.dropout(t, 0.3f, 7L, t, Tensor.zeros(size)));
        Tensor v = r.normal(3);
        checkFromStart("addChannelVector in place", r.normal(2, 3, size), (be, t) -> be.addChannelVector(t, v, t));
    }

    @ParameterizedTest(name = "rows {0} cols {1}")
    @MethodSource("softmaxCases")
    void softmaxForwardAndBackward(int rows, int cols) {
        RandomTensors r = new RandomTensors(rows * 31L + cols);
        Tensor x = shifted(r.normal(rows, cols), 50f); // large logits: the max shift must keep exp finite
        check("softmax", x, (be, out) -> be.softmax(x, out));
        Tensor y = Tensor.zeros(rows, cols);
        SCALAR.softmax(x, y);
        Tensor dy = r.normal(rows, cols);
        checkFromStart("softmaxBackward", r.normal(rows, cols), (be, acc) -> be.softmaxBackward(y, dy, acc));
    }

    /**
     * A NaN logit makes its whole row NaN, as in the scalar reference, so that divergence shows instead of hiding behind
     * a maximum that skipped it; the other rows stay as they were. Column counts with and without a scalar tail, the
     * NaN inside a vector and in the tail.
     */
    @ParameterizedTest(name = "cols {0}, NaN at {1}")
    @CsvSource({"64, 5", "37, 3", "37, 36", "1, 0"})
    void softmaxTurnsARowWithANanToNan(int cols, int at) {
        float[] logits = new RandomTensors(cols * 7L + at).normal(3, cols).toArray();
        logits[cols + at] = Float.NaN;
        Tensor x = Tensor.of(logits, 3, cols);
        Tensor expected = Tensor.zeros(3, cols), actual = Tensor.zeros(3, cols);
        SCALAR.softmax(x, expected);
        candidate().softmax(x, actual);
        float[] e = expected.toArray(), a = actual.toArray();
        for (int j = 0; j < cols; j++) {
            assertTrue(Float.isNaN(e[cols + j]), "the reference's row with the NaN, column " + j);
            assertTrue(Float.isNaN(a[cols + j]), "the row with the NaN, column " + j);
        }
        for (int row : new int[]{0, 2}) {
            Tensor want = Tensor.of(Arrays.copyOfRange(e, row * cols, (row + 1) * cols), cols);
            Tensor got = Tensor.of(Arrays.copyOfRange(a, row * cols, (row + 1) * cols), cols);
            assertClose(want, got, TOL, "row " + row);
        }
    }

    static Stream<Arguments> softmaxCases() {
        return Stream.of(Arguments.of(1, 1), Arguments.of(3, 17), Arguments.of(5, 64), Arguments.of(2, 257));
    }

    static Stream<Arguments> attentionCases() {
        return Stream.of(Arguments.of(2, 5, 7), Arguments.of(3, 16, 37), Arguments.of(1, 8, 64), Arguments.of(4, 3, 1));
    }

    @ParameterizedTest(name = "B{0} C{1} T{2}")
    @MethodSource("attentionCases")
    void attentionForwardAndBackward(int b, int c, int t) {
        RandomTensors r = new RandomTensors(b * 1000L + c * 10L + t);
        Tensor q = r.normal(b, c, t), k = r.normal(b, c, t), v = r.normal(b, c, t);
        Tensor os = Tensor.zeros(b, c, t), ov = Tensor.zeros(b, c, t);
        Tensor ps = Tensor.zeros(b, t, t), pv = Tensor.zeros(b, t, t);
        SCALAR.attention(q, k, v, os, ps);
        candidate().attention(q, k, v, ov, pv);
        assertClose(ps, pv, TOL, "attention probs");
        assertClose(os, ov, TOL, "attention out");
        Tensor dout = r.normal(b, c, t);
        // Gradients start from random values: the op accumulates into them.
        Tensor[] scalarGrads = {r.normal(b, c, t), r.normal(b, c, t), r.normal(b, c, t)};
        Tensor[] candidateGrads = {scalarGrads[0].copy(), scalarGrads[1].copy(), scalarGrads[2].copy()};
        SCALAR.attentionBackward(q, k, v, ps, dout, scalarGrads[0], scalarGrads[1], scalarGrads[2]);
        candidate().attentionBackward(q, k, v, ps, dout, candidateGrads[0], candidateGrads[1], candidateGrads[2]);
        String[] names = {"dq", "dk", "dv"};
        for (int i = 0; i < names.length; i++) {
            assertClose(scalarGrads[i], candidateGrads[i], TOL, "attention " + names[i]);
        }
    }

    @Test
    void upsampleConcatAndChannelVectors() {
        RandomTensors r = new RandomTensors(3);
        Tensor x = r.normal(3, 5, 7, 3);
        check("upsample2x", Tensor.zeros(3, 5, 14, 6), (be, out) -> be.upsample2x(x, out));
        Tensor dy = r.normal(3, 5, 14, 6);
        checkFromStart("upsample2xBackward", r.normal(3, 5, 7, 3), (be, acc) -> be.upsample2xBackward(dy, acc));

        Tensor a = r.normal(2, 3, 5, 5), b = r.normal(2, 4, 5, 5);
        check("concatChannels", Tensor.zeros(2, 7, 5, 5), (be, out) -> be.concatChannels(a, b, out));
        Tensor dcat = r.normal(2, 7, 5, 5);
        checkFromStart("split a", r.normal(2, 3, 5, 5), (be, acc) -> be.splitChannelsBackward(dcat, acc, null));
        checkFromStart("split b", r.normal(2, 4, 5, 5), (be, acc) -> be.splitChannelsBackward(dcat, null, acc));

        Tensor h = r.normal(3, 6, 5, 7), perSample = r.normal(3, 6), shared = r.normal(6);
        check("addChannelVector [N,C]", h, (be, out) -> be.addChannelVector(h, perSample, out));
        check("addChannelVector [C]", h, (be, out) -> be.addChannelVector(h, shared, out));
        Tensor g = r.normal(3, 6, 5, 7);
        checkFromStart("addChannelVectorBackward [N,C]", r.normal(3, 6), (be, acc) -> be.addChannelVectorBackward(g, acc));
        checkFromStart("addChannelVectorBackward [C]", r.normal(6), (be, acc) -> be.addChannelVectorBackward(g, acc));
    }

    @ParameterizedTest(name = "size {0}")
    @ValueSource(ints = {1, 63, 64, 65, 4097})
    void adamUpdate(int size) {
        RandomTensors r = new RandomTensors(size + 7L);
        Tensor grad = r.normal(size);
        Tensor ps = r.normal(size), ms = r.normal(size), vs = r.normal(size);
        vs.update(v -> {
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.abs(v[i]);
            }
        });
        Tensor pc = ps.copy(), mc = ms.copy(), vc = vs.copy();
        AdamCoefficients k = new AdamCoefficients(1e-3f / 0.1f, 0.9f, 0.999f, (float) (1 / Math.sqrt(1e-3)), 1e-8f);
        SCALAR.adamUpdate(ps, grad, ms, vs, k);
        candidate().adamUpdate(pc, grad, mc, vc, k);
        assertClose(ps, pc, TOL, "adam param");
        assertClose(ms, mc, TOL, "adam m");
        assertClose(vs, vc, TOL, "adam v");
    }

    /**
     * Gradient buffers are zeroed for each step with their old values still in the array ({@link Tensor#zero} leaves
     * the writing to the op that uses them): every op that adds into a zeroed buffer sees zeros, also where it stores
     * its result instead. The old values here are NaN, so one that got through would show.
     */
    @ParameterizedTest(name = "N{0} {1}->{2} {3}x{4} k{5} s{6}")
    @CsvSource({"2, 3, 5, 7, 9, 3, 1", "3, 4, 6, 8, 8, 3, 2", "2, 5, 7, 6, 5, 1, 1", "3, 32, 32, 8, 8, 3, 1",
            "1, 16, 16, 16, 16, 3, 1", "2, 1, 16, 9, 9, 3, 1"})
    void convolutionGradientsIntoZeroedBuffersSeeZeros(int n, int cin, int cout, int h, int w, int k, int s) {
        RandomTensors r = new RandomTensors(17 + n * 13L + cin * 5L + cout + k);
        Conv2dSpec spec = new Conv2dSpec(k, s, k / 2, k / 2);
        Tensor x = r.normal(n, cin, h, w), wt = r.normal(cout, cin, k, k);
        Tensor dy = r.normal(n, cout, spec.outSize(h), spec.outSize(w));
        Tensor dxs = x.zerosLike(), dws = wt.zerosLike(), dbs = Tensor.zeros(cout);
        Tensor dxv = zeroedOverNaN(x), dwv = zeroedOverNaN(wt), dbv = zeroedOverNaN(dbs);
        SCALAR.conv2dBackward(x, wt, dy, spec, dxs, dws, dbs);
        candidate().conv2dBackward(x, wt, dy, spec, dxv, dwv, dbv);
        assertClose(dxs, dxv, TOL, "conv2d dx into a zeroed buffer");
        assertClose(dws, dwv, TOL, "conv2d dw into a zeroed buffer");
        assertClose(dbs, dbv, TOL, "conv2d dbias into a zeroed buffer");
    }

    @Test
    void attentionSplitAndUpsampleGradientsIntoZeroedBuffersSeeZeros() {
        RandomTensors r = new RandomTensors(23);
        Tensor q = r.normal(2, 8, 9), k = r.normal(2, 8, 9), v = r.normal(2, 8, 9), dout = r.normal(2, 8, 9);
        Tensor probs = Tensor.zeros(2, 9, 9);
        SCALAR.attention(q, k, v, Tensor.zeros(2, 8, 9), probs);
        Tensor[] expected = {q.zerosLike(), q.zerosLike(), q.zerosLike()};
        Tensor[] actual = {zeroedOverNaN(q), zeroedOverNaN(q), zeroedOverNaN(q)};
        SCALAR.attentionBackward(q, k, v, probs, dout, expected[0], expected[1], expected[2]);
        candidate().attentionBackward(q, k, v, probs, dout, actual[0], actual[1], actual[2]);
        for (int i = 0; i < 3; i++) {
            assertClose(expected[i], actual[i], TOL, "attention gradient " + i + " into a zeroed buffer");
        }

        Tensor up = r.normal(2, 3, 10, 8), down = Tensor.zeros(2, 3, 5, 4), zDown = zeroedOverNaN(down);
        SCALAR.upsample2xBackward(up, down);
        candidate().upsample2xBackward(up, zDown);
        assertClose(down, zDown, TOL, "upsample2x backward into a zeroed buffer");

        Tensor dcat = r.normal(2, 7, 5, 5), a = Tensor.zeros(2, 3, 5, 5), b = Tensor.zeros(2, 4, 5, 5);
        Tensor za = zeroedOverNaN(a), zb = zeroedOverNaN(b);
        SCALAR.splitChannelsBackward(dcat, a, b);
        candidate().splitChannelsBackward(dcat, za, zb);
        assertClose(a, za, TOL, "split a into a zeroed buffer");
        assertClose(b, zb, TOL, "split b into a zeroed buffer");
    }

    /** A zero tensor shaped like {@code like} whose array held NaN before {@link Tensor#zero}. */
    private static Tensor zeroedOverNaN(Tensor like) {
        return like.zerosLike().fill(Float.NaN).zero();
    }

    /** The Backend contract: calls from several threads on disjoint tensors (one backend, shared kernels). */
    @Test
    void concurrentCallsOnDisjointTensorsMatchTheReference() throws Exception {
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int thread = 0; thread < threads; thread++) {
                long seed = 100 + thread;
                done.add(pool.submit(() -> {
                    RandomTensors r = new RandomTensors(seed);
                    for (int round = 0; round < 10; round++) {
                        Tensor x = r.normal(2, 3, 6, 6), w = r.normal(4, 3, 3, 3);
                        Tensor expected = Tensor.zeros(2, 4, 6, 6), actual = Tensor.zeros(2, 4, 6, 6);
                        SCALAR.conv2d(x, w, null, Conv2dSpec.same3x3(), expected);
                        candidate().conv2d(x, w, null, Conv2dSpec.same3x3(), actual);
                        assertClose(expected, actual, TOL, "conv2d, thread seed " + seed + ", round " + round);
                        Tensor a = r.normal(5, 7), b = r.normal(7, 3);
                        Tensor cExpected = Tensor.zeros(5, 3), cActual = Tensor.zeros(5, 3);
                        SCALAR.matmul(a, false, b, false, cExpected, 1f, false);
                        candidate().matmul(a, false, b, false, cActual, 1f, false);
                        assertClose(cExpected, cActual, TOL, "matmul, thread seed " + seed + ", round " + round);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    @ParameterizedTest(name = "p {0}")
    @ValueSource(floats = {0f, 0.1f, 0.5f, 0.9f})
    void dropoutMaskIsIdenticalOnBothBackends(float p) {
        RandomTensors r = new RandomTensors(8);
        Tensor x = r.normal(3, 4, 33, 33);
        Tensor ys = x.zerosLike(), ms = x.zerosLike(), yv = x.zerosLike(), mv = x.zerosLike();
        SCALAR.dropout(x, p, 42L, ys, ms);
        candidate().dropout(x, p, 42L, yv, mv);
        assertArrayEquals(ms.toArray(), mv.toArray(), "dropout mask");
        assertArrayEquals(ys.toArray(), yv.toArray(), "dropout output");
    }

    @Test
    void gaussianNoiseIsTheCounterBasedNoiseOfTheScalarReference() {
        Tensor ref = Tensor.zeros(3, 4, 33, 33).fill(7f), got = Tensor.zeros(3, 4, 33, 33).fill(7f);
        SCALAR.gaussianNoise(0x5EEDL, ref);
        candidate().gaussianNoise(0x5EEDL, got);
        // The same hash everywhere; a device's float log, sqrt and cos may differ from Java's by a few ulp.
        TensorAssert.assertClose(ref, got, TOL, "gaussianNoise");
    }

    private interface Op {
        void run(Backend backend, Tensor out);
    }

    /** Runs a forward op on both backends into fresh outputs shaped like {@code like}, and compares. */
    private void check(String what, Tensor like, Op op) {
        Tensor outS = like.zerosLike(), outV = like.zerosLike().fill(Float.NaN);
        op.run(SCALAR, outS);
        op.run(candidate(), outV);
        assertClose(outS, outV, TOL, what);
    }

    /** Runs an op that reads its output buffer (accumulating, or in place) on both backends from one start. */
    private void checkFromStart(String what, Tensor start, Op op) {
        Tensor accS = start.copy(), accV = start.copy();
        op.run(SCALAR, accS);
        op.run(candidate(), accV);
        assertClose(accS, accV, TOL, what);
    }

    private void assertReduction(double expected, double actual, String what) {
        if (!reductionTolerance().accepts(expected, actual)) {
            throw new AssertionError(what + ": expected " + expected + " but was " + actual);
        }
    }

    private static Tensor shifted(Tensor t, float shift) {
        return t.update(v -> {
            for (int i = 0; i < v.length; i++) {
                v[i] += shift;
            }
        });
    }
}
