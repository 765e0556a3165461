package org.ddpm4j.tensor.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each of {@link WinogradLines}' written-out transforms against its matrix in {@link WinogradTransform} applied in
 * double, as plain lines and as strips of the GEMM's packed layout, with nothing written outside its outputs' places.
 */
class WinogradLinesTest {
    /** A few float roundings of the terms' absolute sum: each output is at most four roundings deep. */
    private static final double RELATIVE_TOLERANCE = 1e-6;
    private static final float UNTOUCHED = -7f;

    /** Which matrix a transform applies: T[i][k] for output i, input k. */
    private interface Matrix {
        double at(int i, int k);
    }

    static Stream<Arguments> transforms() {
        WinogradTransform f2 = WinogradTransform.F2, f4 = WinogradTransform.F4;
        return Stream.of(
                Arguments.of("F2 input (Bᵀ)", f2.input, 4, 4, (Matrix) f2::inputCoefficient),
                Arguments.of("F2 output (Aᵀ)", f2.output, 4, 2, (Matrix) f2::outputCoefficient),
                Arguments.of("F2 output adjoint (A)", f2.outputAdjoint, 2, 4,
                        (Matrix) (l, a) -> f2.outputCoefficient(a, l)),
                Arguments.of("F4 input (Bᵀ)", f4.input, 6, 6, (Matrix) f4::inputCoefficient),
                Arguments.of("F4 output (Aᵀ)", f4.output, 6, 4, (Matrix) f4::outputCoefficient),
                Arguments.of("F4 output adjoint (A)", f4.outputAdjoint, 4, 6,
                        (Matrix) (l, a) -> f4.outputCoefficient(a, l)));
    }

    @ParameterizedTest(name = "{0}, plain lines")
    @MethodSource("transforms")
    void plainLinesMatchTheMatrix(String name, WinogradLines.Transform f, int inputs, int outputs, Matrix t) {
        int len = 3 * VectorOps.VL;
        check(f, inputs, outputs, t, len, len, 0);
    }

    @ParameterizedTest(name = "{0}, strips")
    @MethodSource("transforms")
    void stripsMatchTheMatrix(String name, WinogradLines.Transform f, int inputs, int outputs, Matrix t) {
        int strip = 2 * VectorOps.VL;
        check(f, inputs, outputs, t, 3 * strip, strip, 3 * strip + VectorOps.VL);
    }

    @Test
    void rejectsLinesOfPartialVectors() {
        float[] any = new float[64 * VectorOps.VL];
        int[] lines = {0, 1, 2, 3, 4, 5};
        assertThrows(IllegalArgumentException.class,
                () -> WinogradLines.inputF4(any, 0, lines, any, 0, lines, VectorOps.VL + 1, VectorOps.VL + 1, 0));
        assertThrows(IllegalArgumentException.class,
                () -> WinogradLines.inputF4(any, 0, lines, any, 0, lines, 3 * VectorOps.VL, 2 * VectorOps.VL, 0));
    }

    /**
     * Input lines k at {@code srcBase + in[k]} (out of order, to catch a swapped line), output i's value j at
     * {@code dstBase + out[i] + (j / strip)·stripStride + j % strip}.
     */
    private static void check(WinogradLines.Transform f, int inputs, int outputs, Matrix t, int len, int strip,
                              int stripStride) {
        int srcBase = 5, lineGap = len + 3;
        int[] in = new int[inputs];
        for (int k = 0; k < inputs; k++) {
            in[k] = (inputs - 1 - k) * lineGap;
        }
        float[] src = PhaseSplitTest.random(srcBase + inputs * lineGap, inputs * 100L + outputs);
        int span = len == strip ? len : (len / strip) * stripStride, dstBase = 2, outGap = span + 7;
        int[] out = new int[outputs];
        for (int i = 0; i < outputs; i++) {
            out[i] = i * outGap;
        }
        float[] dst = new float[dstBase + outputs * outGap];
        Arrays.fill(dst, UNTOUCHED);
        f.apply(src, srcBase, in, dst, dstBase, out, len, strip, stripStride);
        boolean[] written = new boolean[dst.length];
        for (int i = 0; i < outputs; i++) {
            for (int j = 0; j < len; j++) {
                double expected = 0, scale = 0;
                for (int k = 0; k < inputs; k++) {
                    double term = t.at(i, k) * src[srcBase + in[k] + j];
                    expected += term;
                    scale += Math.abs(term);
                }
                int at = dstBase + out[i] + (j / strip) * stripStride + j % strip;
                assertEquals(expected, dst[at], RELATIVE_TOLERANCE * scale, "output " + i + " value " + j);
                written[at] = true;
            }
        }
        for (int p = 0; p < dst.length; p++) {
            if (!written[p]) {
                assertEquals(UNTOUCHED, dst[p], "written outside the outputs at " + p);
            }
        }
    }
}
