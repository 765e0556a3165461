package org.ddpm4j.tensor;

import static org.ddpm4j.tensor.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Forward and backward of both CPU backends against PyTorch's results stored in the golden files. */
class PyTorchGoldenTest {
    private static final Tolerances.Tolerance TOL = Tolerances.VS_PYTORCH;
    private static final Backend SIMD = Backends.create("simd", 2);

    static Stream<Backend> backends() {
        assertEquals("simd", SIMD.name(), "the Vector API must be available to this test JVM");
        return Stream.of(new ScalarBackend(), SIMD);
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> convCases() {
        return backends().flatMap(b -> Stream.of("conv_k3_s1", "conv_k3_s2", "conv_k1_s1")
                .map(f -> org.junit.jupiter.params.provider.Arguments.of(b, f)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("convCases")
    void conv2d(Backend be, String file) {
        GoldenFile g = GoldenFile.load(file);
        Conv2dSpec spec = new Conv2dSpec(g.metaInt("kernel"), g.metaInt("stride"), g.metaInt("padding"));
        Tensor x = g.tensor("x"), w = g.tensor("w"), b = g.tensor("b"), dy = g.tensor("dy");
        Tensor y = g.tensor("y").zerosLike();
        be.conv2d(x, w, b, spec, y);
        assertClose(g.tensor("y"), y, TOL, file + " y");
        Tensor dx = x.zerosLike(), dw = w.zerosLike(), db = b.zerosLike();
        be.conv2dBackward(x, w, dy, spec, dx, dw, db);
        assertClose(g.tensor("dx"), dx, TOL, file + " dx");
        assertClose(g.tensor("dw"), dw, TOL, file + " dw");
        assertClose(g.tensor("db"), db, TOL, file + " db");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void groupNorm(Backend be) {
        GoldenFile g = GoldenFile.load("group_norm");
        int groups = g.metaInt("groups");
        Tensor x = g.tensor("x"), gamma = g.tensor("gamma"), beta = g.tensor("beta");
        Tensor y = x.zerosLike(), mean = Tensor.zeros(x.dim(0), groups), rstd = Tensor.zeros(x.dim(0), groups);
        be.groupNorm(x, gamma, beta, groups, (float) g.metaDouble("eps"), y, mean, rstd);
        assertClose(g.tensor("y"), y, TOL, "group_norm y");
        Tensor dx = x.zerosLike(), dg = gamma.zerosLike(), db = beta.zerosLike();
        be.groupNormBackward(x, gamma, mean, rstd, g.tensor("dy"), groups, dx, dg, db);
        assertClose(g.tensor("dx"), dx, TOL, "group_norm dx");
        assertClose(g.tensor("dgamma"), dg, TOL, "group_norm dgamma");
        assertClose(g.tensor("dbeta"), db, TOL, "group_norm dbeta");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void attention(Backend be) {
        // The file holds PyTorch's qkv [B, 3C, T] and its gradient: q, k and v are its three channel blocks.
        GoldenFile g = GoldenFile.load("attention");
        Tensor[] qkv = channelThirds(g.tensor("qkv")), expected = channelThirds(g.tensor("dqkv"));
        Tensor out = g.tensor("out").zerosLike(), probs = g.tensor("probs").zerosLike();
        be.attention(qkv[0], qkv[1], qkv[2], out, probs);
        assertClose(g.tensor("probs"), probs, TOL, "attention probs");
        assertClose(g.tensor("out"), out, TOL, "attention out");
        Tensor[] grads = {qkv[0].zerosLike(), qkv[1].zerosLike(), qkv[2].zerosLike()};
        be.attentionBackward(qkv[0], qkv[1], qkv[2], probs, g.tensor("dout"), grads[0], grads[1], grads[2]);
        String[] names = {"dq", "dk", "dv"};
        for (int i = 0; i < names.length; i++) {
            assertClose(expected[i], grads[i], TOL, "attention " + names[i]);
        }
    }

    /** The three channel blocks of a [B, 3C, T] tensor, each [B, C, T]. */
    private static Tensor[] channelThirds(Tensor t) {
        int b = t.dim(0), c = t.dim(1) / 3, positions = t.dim(2);
        float[] all = t.toArray();
        Tensor[] blocks = new Tensor[3];
        for (int third = 0; third < 3; third++) {
            float[] block = new float[b * c * positions];
            for (int n = 0; n < b; n++) {
                System.arraycopy(all, (n * 3 + third) * c * positions, block, n * c * positions, c * positions);
            }
            blocks[third] = Tensor.of(block, b, c, positions);
        }
        return blocks;
    }

    @ParameterizedTest
    @MethodSource("backends")
    void siluUpsampleLinear(Backend be) {
        GoldenFile g = GoldenFile.load("small_ops");
        Tensor x = g.tensor("silu_x"), y = x.zerosLike(), dx = x.zerosLike();
        be.silu(x, y);
        be.siluBackward(x, g.tensor("silu_dy"), dx);
        assertClose(g.tensor("silu_y"), y, TOL, "silu y");
        assertClose(g.tensor("silu_dx"), dx, TOL, "silu dx");

        Tensor ux = g.tensor("up_x"), uy = g.tensor("up_y").zerosLike(), udx = ux.zerosLike();
        be.upsample2x(ux, uy);
        be.upsample2xBackward(g.tensor("up_dy"), udx);
        assertClose(g.tensor("up_y"), uy, TOL, "upsample y");
        assertClose(g.tensor("up_dx"), udx, TOL, "upsample dx");

        Tensor lx = g.tensor("lin_x"), lw = g.tensor("lin_w"), lb = g.tensor("lin_b");
        Tensor ly = g.tensor("lin_y").zerosLike(), ldx = lx.zerosLike(), ldw = lw.zerosLike(), ldb = lb.zerosLike();
        be.linear(lx, lw, lb, ly);
        be.linearBackward(lx, lw, g.tensor("lin_dy"), ldx, ldw, ldb);
        assertClose(g.tensor("lin_y"), ly, TOL, "linear y");
        assertClose(g.tensor("lin_dx"), ldx, TOL, "linear dx");
        assertClose(g.tensor("lin_dw"), ldw, TOL, "linear dw");
        assertClose(g.tensor("lin_db"), ldb, TOL, "linear db");
    }
}
