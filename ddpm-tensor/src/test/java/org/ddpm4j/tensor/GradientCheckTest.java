package org.ddpm4j.tensor;

import static org.ddpm4j.tensor.TensorAssert.toDouble;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every hand-written backward, on both CPU backends, against central finite differences of the double-precision
 * forward in {@link DoubleReference}: for a random upstream gradient r, the gradient of L = Σ r·f(inputs).
 */
class GradientCheckTest {
    private static final Tolerances.Tolerance TOL = Tolerances.GRADIENT_VS_FINITE_DIFFERENCE;
    private static final double H = Tolerances.FINITE_DIFFERENCE_STEP;
    /** Inputs larger than this are checked at this many evenly spread elements. */
    private static final int MAX_CHECKED_ELEMENTS = 150;

    private static final Backend SIMD = Backends.create("simd", 2);

    static Stream<Backend> backends() {
        assertEquals("simd", SIMD.name(), "the Vector API must be available to this test JVM");
        return Stream.of(new ScalarBackend(), SIMD);
    }

    @AfterAll
    static void close() {
        SIMD.shutdown();
    }

    @FunctionalInterface
    interface Forward {
        double[] apply(double[][] inputs);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void conv2d(Backend be) {
        // N, Cin, Cout, H, W, kernel, stride, padding before, padding after
        int[][] cases = {{2, 3, 4, 5, 6, 3, 1, 1, 1}, {2, 2, 3, 7, 7, 3, 2, 1, 1}, {1, 3, 2, 4, 5, 1, 1, 0, 0},
                {2, 1, 3, 5, 5, 3, 1, 1, 1}, {2, 2, 3, 6, 8, 3, 2, 0, 1}};
        for (int[] c : cases) {
            int n = c[0], cin = c[1], cout = c[2], h = c[3], w = c[4];
            Conv2dSpec spec = new Conv2dSpec(c[5], c[6], c[7], c[8]);
            RandomTensors r = new RandomTensors(c[1] * 10L + c[6]);
            Tensor x = r.normal(n, cin, h, w), wt = r.normal(cout, cin, c[5], c[5]), b = r.normal(cout);
            Tensor dy = r.normal(n, cout, spec.outSize(h), spec.outSize(w));
            Tensor dx = x.zerosLike(), dw = wt.zerosLike(), db = b.zerosLike();
            be.conv2dBackward(x, wt, dy, spec, dx, dw, db);
            Forward f = in -> DoubleReference.conv2d(in[0], in[1], in[2], n, cin, h, w, cout, spec);
            Tensor[] inputs = {x, wt, b};
            String what = be.name() + " conv2d " + java.util.Arrays.toString(c);
            check(what + " dx", f, inputs, 0, dx, dy);
            check(what + " dw", f, inputs, 1, dw, dy);
            check(what + " dbias", f, inputs, 2, db, dy);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void linear(Backend be) {
        RandomTensors r = new RandomTensors(2);
        Tensor x = r.normal(5, 7), w = r.normal(3, 7), b = r.normal(3), dy = r.normal(5, 3);
        Tensor dx = x.zerosLike(), dw = w.zerosLike(), db = b.zerosLike();
        be.linearBackward(x, w, dy, dx, dw, db);
        Forward f = in -> DoubleReference.linear(in[0], in[1], in[2], 5, 7, 3);
        Tensor[] inputs = {x, w, b};
        check(be.name() + " linear dx", f, inputs, 0, dx, dy);
        check(be.name() + " linear dw", f, inputs, 1, dw, dy);
        check(be.name() + " linear dbias", f, inputs, 2, db, dy);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void groupNorm(Backend be) {
        RandomTensors r = new RandomTensors(3);
        int n = 2, c = 6, h = 3, w = 4, groups = 3;
        float eps = 1e-5f;
        Tensor x = r.normal(n, c, h, w), gamma = r.normal(c), beta = r.normal(c), dy = r.normal(n, c, h, w);
        Tensor y = x.zerosLike(), mean = Tensor.zeros(n, groups), rstd = Tensor.zeros(n, groups);
        be.groupNorm(x, gamma, beta, groups, eps, y, mean, rstd);
        // dx starts from noise: it is written, not accumulated.
        Tensor dx = r.normal(n, c, h, w), dg = gamma.zerosLike(), db = beta.zerosLike();
        be.groupNormBackward(x, gamma, mean, rstd, dy, groups, dx, dg, db);
        Forward f = in -> DoubleReference.groupNorm(in[0], in[1], in[2], n, c, h * w, groups, eps);
        Tensor[] inputs = {x, gamma, beta};
        check(be.name() + " groupNorm dx", f, inputs, 0, dx, dy);
        check(be.name() + " groupNorm dgamma", f, inputs, 1, dg, dy);
        check(be.name() + " groupNorm dbeta", f, inputs, 2, db, dy);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void groupNormThroughSilu(Backend be) {
        RandomTensors r = new RandomTensors(13);
        int n = 2, c = 6, h = 3, w = 4, groups = 3;
        float eps = 1e-5f;
        Tensor x = r.normal(n, c, h, w), gamma = r.normal(c), beta = r.normal(c), dz = r.normal(n, c, h, w);
        Tensor y = x.zerosLike(), mean = Tensor.zeros(n, groups), rstd = Tensor.zeros(n, groups);
        be.groupNorm(x, gamma, beta, groups, eps, y, mean, rstd);
        Tensor dx = r.normal(n, c, h, w), dg = gamma.zerosLike(), db = beta.zerosLike();
        be.groupNormSiluBackward(x, gamma, beta, groups, eps, mean, rstd, dz, dx, dg, db, r.normal(n, c, h, w));
        Forward f = in -> DoubleReference.silu(DoubleReference.groupNorm(in[0], in[1], in[2], n, c, h * w, groups, eps));
        Tensor[] inputs = {x, gamma, beta};
        check(be.name() + " groupNorm+silu dx", f, inputs, 0, dx, dz);
        check(be.name() + " groupNorm+silu dgamma", f, inputs, 1, dg, dz);
        check(be.name() + " groupNorm+silu dbeta", f, inputs, 2, db, dz);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void siluAndSoftmax(Backend be) {
        RandomTensors r = new RandomTensors(4);
        Tensor x = r.normal(3, 19), dy = r.normal(3, 19);
        Tensor dx = x.zerosLike();
        be.siluBackward(x, dy, dx);
        check(be.name() + " silu", in -> DoubleReference.silu(in[0]), new Tensor[] {x}, 0, dx, dy);

        Tensor y = x.zerosLike(), ds = x.zerosLike();
        be.softmax(x, y);
        be.softmaxBackward(y, dy, ds);
        check(be.name() + " softmax", in -> DoubleReference.softmaxRows(in[0], 19), new Tensor[] {x}, 0, ds, dy);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void attention(Backend be) {
        RandomTensors r = new RandomTensors(5);
        int b = 2, c = 4, t = 6;
        Tensor q = r.normal(b, c, t), k = r.normal(b, c, t), v = r.normal(b, c, t);
        Tensor out = Tensor.zeros(b, c, t), probs = Tensor.zeros(b, t, t);
        be.attention(q, k, v, out, probs);
        Tensor dout = r.normal(b, c, t), dq = q.zerosLike(), dk = k.zerosLike(), dv = v.zerosLike();
        be.attentionBackward(q, k, v, probs, dout, dq, dk, dv);
        Tensor[] inputs = {q, k, v}, grads = {dq, dk, dv};
        String[] names = {"dq", "dk", "dv"};
        for (int which = 0; which < inputs.length; which++) {
            check(be.name() + " attention " + names[which], in -> DoubleReference.attention(in[0], in[1], in[2], b, c, t),
                    inputs, which, grads[which], dout);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void layoutOps(Backend be) {
        RandomTensors r = new RandomTensors(6);
        Tensor x = r.normal(2, 3, 3, 4), dUp = r.normal(2, 3, 6, 8), dx = x.zerosLike();
        be.upsample2xBackward(dUp, dx);
        check(be.name() + " upsample2x", in -> DoubleReference.upsample2x(in[0], 6, 3, 4), new Tensor[] {x}, 0, dx, dUp);

        Tensor a = r.normal(2, 2, 3, 3), bb = r.normal(2, 3, 3, 3), dcat = r.normal(2, 5, 3, 3);
        Tensor da = a.zerosLike(), db = bb.zerosLike();
        be.splitChannelsBackward(dcat, da, db);
        Forward cat = in -> DoubleReference.concatChannels(in[0], in[1], 2, 18, 27);
        check(be.name() + " concat a", cat, new Tensor[] {a, bb}, 0, da, dcat);
        check(be.name() + " concat b", cat, new Tensor[] {a, bb}, 1, db, dcat);

        for (boolean perSample : new boolean[] {false, true}) {
            Tensor h = r.normal(2, 3, 2, 5), v = perSample ? r.normal(2, 3) : r.normal(3), dy = r.normal(2, 3, 2, 5);
            Tensor dv = v.zerosLike();
            be.addChannelVectorBackward(dy, dv);
            check(be.name() + " addChannelVector perSample=" + perSample,
                    in -> DoubleReference.addChannelVector(in[0], in[1], 2, 3, 10, perSample),
                    new Tensor[] {h, v}, 1, dv, dy);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void elementwiseDropoutAndLoss(Backend be) {
        RandomTensors r = new RandomTensors(7);
        Tensor a = r.normal(4, 9), b = r.normal(4, 9), dy = r.normal(4, 9);
        Tensor da = a.zerosLike();
        be.addProduct(dy, b, da); // d(a⊙b)/da = b
        check(be.name() + " mul", in -> DoubleReference.mul(in[0], in[1]), new Tensor[] {a, b}, 0, da, dy);

        Tensor y = a.zerosLike(), mask = a.zerosLike(), dDrop = a.zerosLike();
        be.dropout(a, 0.3f, 99L, y, mask);
        be.dropoutBackward(dy, mask, dDrop);
        double[] m = toDouble(mask.toArray());
        check(be.name() + " dropout", in -> DoubleReference.mul(in[0], m), new Tensor[] {a}, 0, dDrop, dy);

        Tensor dpred = a.zerosLike();
        be.mseLossBackward(a, b, 1f, dpred);
        check(be.name() + " mse", in -> new double[] {DoubleReference.mse(in[0], in[1])}, new Tensor[] {a, b}, 0, dpred,
                Tensor.of(new float[] {1f}, 1));
    }

    /** Compares {@code grad} (gradient of Σ upstream·f w.r.t. inputs[which]) with central differences. */
    private static void check(String what, Forward f, Tensor[] inputs, int which, Tensor grad, Tensor upstream) {
        double[][] base = new double[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            base[i] = toDouble(inputs[i].toArray());
        }
        double[] r = toDouble(upstream.toArray());
        int size = base[which].length, step = Math.max(1, size / MAX_CHECKED_ELEMENTS);
        int checked = (size + step - 1) / step;
        double[] expected = new double[checked];
        float[] actual = new float[checked];
        for (int e = 0, j = 0; j < size; j += step, e++) {
            double saved = base[which][j];
            base[which][j] = saved + H;
            double plus = dot(r, f.apply(base));
            base[which][j] = saved - H;
            double minus = dot(r, f.apply(base));
            base[which][j] = saved;
            expected[e] = (plus - minus) / (2 * H);
            actual[e] = grad.get(j);
        }
        TensorAssert.assertClose(expected, actual, TOL, what);
    }

    private static double dot(double[] a, double[] b) {
        assertEquals(a.length, b.length, "upstream gradient and forward output sizes");
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
