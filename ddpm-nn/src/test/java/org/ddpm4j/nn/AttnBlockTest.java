package org.ddpm4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Backends;
import org.ddpm4j.tensor.Conv2dSpec;
import org.ddpm4j.tensor.DoubleReference;
import org.ddpm4j.tensor.OpenClTestDevice;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;
import org.ddpm4j.tensor.opencl.OpenClBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The attention block on both of its paths, the folded projections ({@link AttentionProjections}) and the block as
 * written, against a double-precision computation of the DDPM block as the reference model writes it (GroupNorm, one
 * qkv convolution, softmax attention, projection, residual): the output, and every parameter's and the input's
 * gradient against central differences of that double forward.
 */
class AttnBlockTest {
    private static final int CHANNELS = 32;
    private static final float EPS = 1e-5f;
    /** The block in float32 against the double reference: a few roundings of O(1) values per output. */
    private static final double FORWARD_ABS = 1e-4, FORWARD_REL = 1e-4;
    /** Float32 gradients against differences of the double forward, whose own error is ~STEP² ≈ 1e-8. */
    private static final double GRADIENT_ABS = 1e-4, GRADIENT_REL = 1e-3;
    private static final double STEP = 1e-4;
    /** Elements probed per tensor (spread over it, always including the first and the last). */
    private static final int PROBES = 24;

    /** Batch and side of each path's case: 2·6·6 positions ≥ 2·32 folds; 1·4·4 does not. */
    private static int[] shape(boolean folded) {
        return folded ? new int[] {2, CHANNELS, 6, 6} : new int[] {1, CHANNELS, 4, 4};
    }

    @ParameterizedTest(name = "folded={0}")
    @ValueSource(booleans = {true, false})
    void forwardAndGradientsMatchTheDoubleReference(boolean folded) {
        int[] shape = shape(folded);
        assertEquals(folded, AttnBlock.folds(shape[0], shape[2] * shape[3], CHANNELS), "the case takes its path");
        AttnBlock block = block(new ScalarBackend());
        List<Parameter> ps = block.parameters();
        Tensor x = TinyModels.normal(3, shape), r = TinyModels.normal(4, shape);

        // A first pass leaves the block's buffers and the shared scratch holding values: the checked pass must not
        // depend on them.
        block.forward(TinyModels.normal(5, shape), null, ForwardContext.training(1L));
        block.backward(TinyModels.normal(6, shape), null);
        Tensor y = block.forward(x, null, ForwardContext.training(1L));
        double[] expected = reference(x.toArray(), values(ps), shape);
        for (int i = 0; i < expected.length; i++) {
            assertClose(expected[i], y.get(i), FORWARD_ABS, FORWARD_REL, "output[" + i + "]");
        }

        ps.forEach(Parameter::zeroGrad);
        Tensor dx = block.backward(r, null);
        double[] rd = toDouble(r.toArray());
        double[][] inputs = new double[ps.size() + 1][];
        for (int i = 0; i < ps.size(); i++) {
            inputs[i] = toDouble(ps.get(i).value().toArray());
        }
        inputs[ps.size()] = toDouble(x.toArray());
        for (int which = 0; which < inputs.length; which++) {
            boolean input = which == ps.size();
            Tensor grad = input ? dx : ps.get(which).grad();
            String name = input ? "x" : ps.get(which).name();
            double[] probed = inputs[which];
            for (int e : probes(probed.length)) {
                double saved = probed[e];
                probed[e] = saved + STEP;
                double plus = dot(rd, referenceOf(inputs, shape));
                probed[e] = saved - STEP;
                double minus = dot(rd, referenceOf(inputs, shape));
                probed[e] = saved;
                assertClose((plus - minus) / (2 * STEP), grad.get(e), GRADIENT_ABS, GRADIENT_REL,
                        "d" + name + "[" + e + "]");
            }
        }
    }

    /**
     * The key bias shifts every score of a query by the same amount, which the softmax removes: the folded block has no
     * term for it, and its gradient is exactly zero (the block as written gets it as a sum that cancels to rounding).
     */
    @Test
    void theFoldedBlockGivesTheKeyBiasNoGradient() {
        int[] shape = shape(true);
        AttnBlock block = block(new ScalarBackend());
        Parameter qkvBias = block.parameters().get(3);
        assertEquals("attn.qkv.bias", qkvBias.name());
        block.forward(TinyModels.normal(3, shape), null, ForwardContext.training(1L));
        qkvBias.zeroGrad();
        block.backward(TinyModels.normal(4, shape), null);
        double others = 0;
        for (int c = 0; c < 3 * CHANNELS; c++) {
            float g = qkvBias.grad().get(c);
            if (c >= CHANNELS && c < 2 * CHANNELS) {
                assertEquals(0f, g, "key bias gradient [" + (c - CHANNELS) + "]");
            } else {
                others = Math.max(others, Math.abs(g));
            }
        }
        assertTrue(others > 1e-3, "the query and value biases have a gradient: " + others);
    }

    /** The path follows the batch (training folds, a sampler's single image may not): no gradient carries over. */
    @Test
    void aBlockThatChangesPathMatchesAFreshOne() {
        int[] split = shape(false), folded = shape(true);
        AttnBlock used = block(new ScalarBackend()), fresh = block(new ScalarBackend());
        used.forward(TinyModels.normal(5, split), null, ForwardContext.training(1L));
        used.backward(TinyModels.normal(6, split), null);
        Tensor x = TinyModels.normal(3, folded), r = TinyModels.normal(4, folded);
        List<Parameter> pu = used.parameters(), pf = fresh.parameters();
        pu.forEach(Parameter::zeroGrad);
        used.forward(x, null, ForwardContext.training(1L));
        fresh.forward(x, null, ForwardContext.training(1L));
        used.backward(r, null);
        fresh.backward(r, null);
        for (int i = 0; i < pu.size(); i++) {
            float[] a = pf.get(i).grad().toArray(), b = pu.get(i).grad().toArray();
            for (int e = 0; e < a.length; e++) {
                assertEquals(a[e], b[e], pf.get(i).name() + ".grad[" + e + "]");
            }
        }
    }

    @ParameterizedTest(name = "folded={0}")
    @ValueSource(booleans = {true, false})
    void simdMatchesScalar(boolean folded) {
        Backend simd = Backends.create("simd", 2);
        assertEquals("simd", simd.name(), "the Vector API must be available to this test JVM");
        try {
            assertMatchesScalar(simd, shape(folded));
        } finally {
            simd.shutdown();
        }
    }

    /** The folded block's weight products, splits and gathers run as device ops too. */
    @ParameterizedTest(name = "folded={0}")
    @ValueSource(booleans = {true, false})
    void openClMatchesScalar(boolean folded) {
        OpenClBackend openCl = OpenClTestDevice.backendOrSkip();
        try {
            assertMatchesScalar(openCl, shape(folded));
        } finally {
            openCl.shutdown();
        }
    }

    private static void assertMatchesScalar(Backend be, int[] shape) {
        AttnBlock a = block(new ScalarBackend()), b = block(be);
        Tensor x = TinyModels.normal(3, shape), r = TinyModels.normal(4, shape);
        Tensor ya = a.forward(x, null, ForwardContext.training(1L)).copy();
        Tensor yb = b.forward(x, null, ForwardContext.training(1L)).copy();
        assertAllClose(ya, yb, "output");
        Tensor dxa = a.backward(r, null).copy(), dxb = b.backward(r, null).copy();
        assertAllClose(dxa, dxb, "dx");
        List<Parameter> pa = a.parameters(), pb = b.parameters();
        for (int i = 0; i < pa.size(); i++) {
            assertAllClose(pa.get(i).grad(), pb.get(i).grad(), pa.get(i).name() + ".grad");
        }
    }

    /** A block whose every parameter is random and nonzero (the projection starts at zero otherwise). */
    private static AttnBlock block(Backend be) {
        AttnBlock block = new AttnBlock(be, "attn", CHANNELS, EPS, new SplittableRandom(0));
        long seed = 10;
        for (Parameter p : block.parameters()) {
            Tensor v = TinyModels.normal(seed++, p.value().shape());
            float scale = p.name().endsWith("norm.weight") ? 0.2f : 0.3f;
            float shift = p.name().endsWith("norm.weight") ? 1f : 0f;
            float[] d = v.toArray();
            for (int i = 0; i < d.length; i++) {
                d[i] = shift + scale * d[i];
            }
            p.value().copyFrom(d);
        }
        return block;
    }

    private static double[][] values(List<Parameter> ps) {
        double[][] v = new double[ps.size()][];
        for (int i = 0; i < ps.size(); i++) {
            v[i] = toDouble(ps.get(i).value().toArray());
        }
        return v;
    }

    private static double[] referenceOf(double[][] inputs, int[] shape) {
        double[][] params = new double[inputs.length - 1][];
        System.arraycopy(inputs, 0, params, 0, params.length);
        return reference(inputs[inputs.length - 1], params, shape);
    }

    private static double[] reference(float[] x, double[][] params, int[] shape) {
        return reference(toDouble(x), params, shape);
    }

    /**
     * The DDPM block in double, from the engine's double-precision references: params are the norm's weight and
     * bias, the qkv convolution's weight [3C, C] and bias, the projection's weight [C, C] and bias, in
     * {@link AttnBlock#parameters()} order.
     */
    private static double[] reference(double[] x, double[][] params, int[] shape) {
        int b = shape[0], c = shape[1], h = shape[2], w = shape[3];
        Conv2dSpec pointwise = Conv2dSpec.pointwise();
        double[] normed = DoubleReference.groupNorm(x, params[0], params[1], b, c, h * w, GroupNorm.DEFAULT_GROUPS, EPS);
        double[][] roles = new double[3][];
        for (int role = 0; role < roles.length; role++) {
            double[] weight = Arrays.copyOfRange(params[2], role * c * c, (role + 1) * c * c);
            double[] bias = Arrays.copyOfRange(params[3], role * c, (role + 1) * c);
            roles[role] = DoubleReference.conv2d(normed, weight, bias, b, c, h, w, c, pointwise);
        }
        double[] attended = DoubleReference.attention(roles[0], roles[1], roles[2], b, c, h * w);
        double[] out = DoubleReference.conv2d(attended, params[4], params[5], b, c, h, w, c, pointwise);
        for (int i = 0; i < out.length; i++) {
            out[i] += x[i];
        }
        return out;
    }

    private static int[] probes(int size) {
        int count = Math.min(size, PROBES);
        int[] idx = new int[count];
        for (int k = 0; k < count; k++) {
            idx[k] = count == 1 ? 0 : (int) ((long) k * (size - 1) / (count - 1));
        }
        return idx;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static void assertClose(double expected, double actual, double abs, double rel, String what) {
        assertTrue(NnTolerances.close(expected, actual, abs, rel), what + ": expected " + expected + ", got " + actual);
    }

    private static void assertAllClose(Tensor expected, Tensor actual, String what) {
        for (int i = 0; i < expected.size(); i++) {
            assertClose(expected.get(i), actual.get(i), NnTolerances.KERNELS_VS_SCALAR_ABS,
                    NnTolerances.KERNELS_VS_SCALAR_REL, what + "[" + i + "]");
        }
    }
}
