package org.ddpm4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The SIMD backend against the scalar reference. */
class SimdVsScalarTest extends BackendVsScalarTest {
    /** Three threads: an odd split of every range, with a chunk that the calling thread runs itself. */
    private static Backend simd;

    @BeforeAll
    static void startSimd() {
        simd = Backends.create("simd", 3);
        assertEquals("simd", simd.name(), "the Vector API must be available to this test JVM");
    }

    @AfterAll
    static void stopSimd() {
        simd.shutdown();
    }

    @Override
    Backend candidate() {
        return simd;
    }

    /**
     * Adam's vector step rounds every operation as the scalar reference does, so a run's parameters do not depend on
     * the backend's vector length or thread count: the same bits, on sizes with a vector tail and several chunks.
     */
    @ParameterizedTest(name = "size {0}")
    @ValueSource(ints = {13, 3 * 4096 + 5})
    void adamUpdateGivesTheReferenceBits(int size) {
        RandomTensors r = new RandomTensors(size);
        Tensor grad = r.normal(size), ps = r.normal(size), ms = r.normal(size), vs = r.normal(size);
        vs.update(v -> {
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.abs(v[i]);
            }
        });
        Tensor pc = ps.copy(), mc = ms.copy(), vc = vs.copy();
        AdamCoefficients k = new AdamCoefficients(2e-4f / 0.19f, 0.9f, 0.9999f, (float) (1 / Math.sqrt(2e-4)), 1e-8f);
        new ScalarBackend().adamUpdate(ps, grad, ms, vs, k);
        simd.adamUpdate(pc, grad, mc, vc, k);
        assertArrayEquals(ps.toArray(), pc.toArray(), "parameters");
        assertArrayEquals(ms.toArray(), mc.toArray(), "first moments");
        assertArrayEquals(vs.toArray(), vc.toArray(), "second moments");
    }

    /**
     * The shift and the residual that the Winograd paths add as they write the output give the bits of the separate
     * ops, on the paths over channels (3·32·8·8 on three threads) and over tiles (1·16·16·16).
     */
    @ParameterizedTest(name = "N{0} {1} channels {2}x{2}")
    @CsvSource({"3, 32, 8", "1, 16, 16"})
    void conv2dPlusGivesTheBitsOfTheSeparateOps(int n, int channels, int side) {
        RandomTensors r = new RandomTensors(31 + n);
        Tensor x = r.normal(n, channels, side, side), w = r.normal(channels, channels, 3, 3), b = r.normal(channels);
        Tensor shift = r.normal(n, channels), residual = r.normal(n, channels, side, side);
        Tensor fused = Tensor.zeros(n, channels, side, side), separate = Tensor.zeros(n, channels, side, side);
        simd.conv2dPlus(x, w, b, Conv2dSpec.same3x3(), shift, residual, fused);
        simd.conv2d(x, w, b, Conv2dSpec.same3x3(), separate);
        simd.addChannelVector(separate, shift, separate);
        simd.add(residual, separate, separate);
        assertArrayEquals(separate.toArray(), fused.toArray());
    }

    /**
     * A group's moments are taken in the previous group's output pass (fused) or in a pass of their own (the first
     * group of a thread's chunk), and both give the same bits: so GroupNorm's output, mean and rstd are the same on 1
     * thread and on 3, whose chunks start on other groups. 32×32 planes take the fused pass, 9×9 planes only the
     * separate one.
     */
    @ParameterizedTest(name = "N{0} C{1} {2}x{2} silu {3}")
    @CsvSource({"3, 64, 32, false", "3, 64, 32, true", "2, 8, 9, true"})
    void groupNormGivesTheSameBitsOnAnyThreadCount(int n, int c, int side, boolean silu) {
        RandomTensors r = new RandomTensors(41 + c);
        Tensor x = r.normal(n, c, side, side), gamma = r.normal(c), beta = r.normal(c);
        Backend oneThread = Backends.create("simd", 1);
        try {
            Tensor[] one = groupNorm(oneThread, x, gamma, beta, silu), three = groupNorm(simd, x, gamma, beta, silu);
            for (int i = 0; i < one.length; i++) {
                assertArrayEquals(one[i].toArray(), three[i].toArray(), new String[] {"y", "mean", "rstd"}[i]);
            }
        } finally {
            oneThread.shutdown();
        }
    }

    /** y, mean and rstd of a GroupNorm (32 groups when there are enough channels, else 4) on {@code be}. */
    private static Tensor[] groupNorm(Backend be, Tensor x, Tensor gamma, Tensor beta, boolean silu) {
        int groups = x.dim(1) >= 32 ? 32 : 4;
        Tensor y = x.zerosLike(), mean = Tensor.zeros(x.dim(0), groups), rstd = Tensor.zeros(x.dim(0), groups);
        if (silu) {
            be.groupNormSilu(x, gamma, beta, groups, 1e-5f, y, mean, rstd);
        } else {
            be.groupNorm(x, gamma, beta, groups, 1e-5f, y, mean, rstd);
        }
        return new Tensor[] {y, mean, rstd};
    }
}
