package org.ddpm4j.tensor.simd;

import static org.ddpm4j.tensor.simd.VectorOps.SPECIES;
import static org.ddpm4j.tensor.simd.VectorOps.VL;

import jdk.incubator.vector.FloatVector;

/**
 * The 1-D transforms of F(2×2, 3×3) and F(4×4, 3×3) ({@link WinogradTransform}) applied to lines of tiles: Bᵀ (the
 * input transform), Aᵀ (the output transform) and A (its adjoint, which the weight gradient applies to dy). Input k is
 * a line of one value per tile, and so is output i, {@code out_i = Σ_k T[i][k]·in_k}, one vector of tiles at a time.
 *
 * <p>Each transform is written out with its common subexpressions: F(4×4, 3×3)'s Bᵀ takes 14 vector operations for
 * its 6 outputs where its 22 non-zero coefficients, applied one by one, take 22 operations and 22 loads; here every
 * input line is loaded once, into a register.
 */
final class WinogradLines {

    /**
     * A transform of lines: output i is written at {@code dst[dstBase + out[i] + (j / strip)·stripStride + j % strip]}
     * for the line's value j of {@code src[srcBase + in[k] + j]}, j &lt; len. With {@code strip = len} the outputs are
     * plain lines; with the GEMM's strip width they are rows of its packed B. len and strip are whole vectors.
     */
    @FunctionalInterface
    interface Transform {
        void apply(float[] src, int srcBase, int[] in, float[] dst, int dstBase, int[] out, int len, int strip,
                   int stripStride);
    }

    private WinogradLines() {
    }

    /** F(2×2, 3×3)'s Bᵀ, rows (1, 0, −1, 0), (0, 1, 1, 0), (0, −1, 1, 0), (0, 1, 0, −1). */
    static void inputF2(float[] src, int srcBase, int[] in, float[] dst, int dstBase, int[] out, int len, int strip,
                        int stripStride) {
        checkWholeVectors(len, strip);
        int i0 = srcBase + in[0], i1 = srcBase + in[1], i2 = srcBase + in[2], i3 = srcBase + in[3];
        int o0 = dstBase + out[0], o1 = dstBase + out[1], o2 = dstBase + out[2], o3 = dstBase + out[3];
        for (int s = 0, q0 = 0; s < len; s += strip, q0 += stripStride) {
            for (int j = 0; j < strip; j += VL) {
                int p = s + j, q = q0 + j;
                FloatVector d0 = FloatVector.fromArray(SPECIES, src, i0 + p);
                FloatVector d1 = FloatVector.fromArray(SPECIES, src, i1 + p);
                FloatVector d2 = FloatVector.fromArray(SPECIES, src, i2 + p);
                FloatVector d3 = FloatVector.fromArray(SPECIES, src, i3 + p);
                d0.sub(d2).intoArray(dst, o0 + q);
                d1.add(d2).intoArray(dst, o1 + q);
                d2.sub(d1).intoArray(dst, o2 + q);
                d1.sub(d3).intoArray(dst, o3 + q);
            }
        }
    }

    /** F(2×2, 3×3)'s Aᵀ, rows (1, 1, 1, 0), (0, 1, −1, −1). */
    static void outputF2(float[] src, int srcBase, int[] in, float[] dst, int dstBase, int[] out, int len, int strip,
                         int stripStride) {
        checkWholeVectors(len, strip);
        int i0 = srcBase + in[0], i1 = srcBase + in[1], i2 = srcBase + in[2], i3 = srcBase + in[3];
        int o0 = dstBase + out[0], o1 = dstBase + out[1];
        for (int s = 0, q0 = 0; s < len; s += strip, q0 += stripStride) {
            for (int j = 0; j < strip; j += VL) {
                int p = s + j, q = q0 + j;
                FloatVector m0 = FloatVector.fromArray(SPECIES, src, i0 + p);
                FloatVector m1 = FloatVector.fromArray(SPECIES, src, i1 + p);
                FloatVector m2 = FloatVector.fromArray(SPECIES, src, i2 + p);
                FloatVector m3 = FloatVector.fromArray(SPECIES, src, i3 + p);
                m0.add(m1).add(m2).intoArray(dst, o0 + q);
                m1.sub(m2).sub(m3).intoArray(dst, o1 + q);
            }
        }
    }

    /** F(2×2, 3×3)'s A, Aᵀ's columns: rows (1, 0), (1, 1), (1, −1), (0, −1). */
    static void outputAdjointF2(float[] src, int srcBase, int[] in, float[] dst, int dstBase, int[] out, int len,
                                int strip, int stripStride) {
        checkWholeVectors(len, strip);
        int i0 = srcBase + in[0], i1 = srcBase + in[1];
        int o0 = dstBase + out[0], o1 = dstBase + out[1], o2 = dstBase + out[2], o3 = dstBase + out[3];
        for (int s = 0, q0 = 0; s < len; s += strip, q0 += stripStride) {
            for (int j = 0; j < strip; j += VL) {
                int p = s + j, q = q0 + j;
                FloatVector g0 = FloatVector.fromArray(SPECIES, src, i0 + p);
                FloatVector g1 = FloatVector.fromArray(SPECIES, src, i1 + p);
                g0.intoArray(dst, o0 + q);
                g0.add(g1).intoArray(dst, o1 + q);
                g0.sub(g1).intoArray(dst, o2 + q);
                g1.neg().intoArray(dst, o3 + q);
            }
        }
    }

    /**
     * F(4×4, 3×3)'s Bᵀ, rows (4, 0, −5, 0, 1, 0), (0, −4, −4, 1, 1, 0), (0, 4, −4, −1, 1, 0), (0, −2, −1, 2, 1, 0),
     * (0, 2, −1, −2, 1, 0), (0, 4, 0, −5, 0, 1): rows 1 and 2 are (d3 + d4) − 4(d1 + d2) and (d4 − d3) + 4(d1 − d2),
     * rows 3 and 4 are (d4 − d2) ± 2(d3 − d1).
     */
    static void inputF4(float[] src, int srcBase, int[] in, float[] dst, int dstBase, int[] out, int len, int strip,
                        int stripStride) {
        checkWholeVectors(len, strip);
        int i0 = srcBase + in[0], i1 = srcBase + in[1], i2 = srcBase + in[2], i3 = srcBase + in[3];
        int i4 = srcBase + in[4], i5 = srcBase + in[5];
        int o0 = dstBase + out[0], o1 = dstBase + out[1], o2 = dstBase + out[2], o3 = dstBase + out[3];
        int o4 = dstBase + out[4], o5 = dstBase + out[5];
        FloatVector two = FloatVector.broadcast(SPECIES, 2f), minusTwo = FloatVector.broadcast(SPECIES, -2f);
        FloatVector four = FloatVector.broadcast(SPECIES, 4f), minusFour = FloatVector.broadcast(SPECIES, -4f);
        FloatVector minusFive = FloatVector.broadcast(SPECIES, -5f);
        for (int s = 0, q0 = 0; s < len; s += strip, q0 += stripStride) {
            for (int j = 0; j < strip; j += VL) {
                int p = s + j, q = q0 + j;
                FloatVector d0 = FloatVector.fromArray(SPECIES, src, i0 + p);
                FloatVector d1 = FloatVector.fromArray(SPECIES, src, i1 + p);
                FloatVector d2 = FloatVector.fromArray(SPECIES, src, i2 + p);
                FloatVector d3 = FloatVector.fromArray(SPECIES, src, i3 + p);
                FloatVector d4 = FloatVector.fromArray(SPECIES, src, i4 + p);
                FloatVector d5 = FloatVector.fromArray(SPECIES, src, i5 + p);
                d2.fma(minusFive, d0.fma(four, d4)).intoArray(dst, o0 + q);
                d1.add(d2).fma(minusFour, d3.add(d4)).intoArray(dst, o1 + q);
                d1.sub(d2).fma(four, d4.sub(d3)).intoArray(dst, o2 + q);
                FloatVector odd = d3.sub(d1), even = d4.sub(d2);
                odd.fma(two, even).intoArray(dst, o3 + q);
                odd.fma(minusTwo, even).intoArray(dst, o4 + q);
                d3.fma(minusFive, d1.fma(four, d5)).intoArray(dst, o5 + q);
            }
        }
    }

    /**
     * F(4×4, 3×3)'s Aᵀ, rows (1, 1, 1, 1, 1, 0), (0, 1, −1, 2, −2, 0), (0, 1, 1, 4, 4, 0), (0, 1, −1, 8, −8, 1): from
     * the sums and differences of inputs 1, 2 and of 3, 4.
     */
    static void outputF4(float[] src, int srcBase, int[] in, float[] dst, int dstBase, int[] out, int len, int strip,
                         int stripStride) {
        checkWholeVectors(len, strip);
        int i0 = srcBase + in[0], i1 = srcBase + in[1], i2 = srcBase + in[2], i3 = srcBase + in[3];
        int i4 = srcBase + in[4], i5 = srcBase + in[5];
        int o0 = dstBase + out[0], o1 = dstBase + out[1], o2 = dstBase + out[2], o3 = dstBase + out[3];
        FloatVector two = FloatVector.broadcast(SPECIES, 2f), four = FloatVector.broadcast(SPECIES, 4f);
        FloatVector eight = FloatVector.broadcast(SPECIES, 8f);
        for (int s = 0, q0 = 0; s < len; s += strip, q0 += stripStride) {
            for (int j = 0; j < strip; j += VL) {
                int p = s + j, q = q0 + j;
                FloatVector m0 = FloatVector.fromArray(SPECIES, src, i0 + p);
                FloatVector m1 = FloatVector.fromArray(SPECIES, src, i1 + p);
                FloatVector m2 = FloatVector.fromArray(SPECIES, src, i2 + p);
                FloatVector m3 = FloatVector.fromArray(SPECIES, src, i3 + p);
                FloatVector m4 = FloatVector.fromArray(SPECIES, src, i4 + p);
                FloatVector m5 = FloatVector.fromArray(SPECIES, src, i5 + p);
                FloatVector sum12 = m1.add(m2), diff12 = m1.sub(m2), sum34 = m3.add(m4), diff34 = m3.sub(m4);
                m0.add(sum12).add(sum34).intoArray(dst, o0 + q);
                diff34.fma(two, diff12).intoArray(dst, o1 + q);
                sum34.fma(four, sum12).intoArray(dst, o2 + q);
                diff34.fma(eight, diff12).add(m5).intoArray(dst, o3 + q);
            }
        }
    }

    /**
     * F(4×4, 3×3)'s A, Aᵀ's columns: rows (1, 0, 0, 0), (1, 1, 1, 1), (1, −1, 1, −1), (1, 2, 4, 8), (1, −2, 4, −8),
     * (0, 0, 0, 1): rows 1 and 2 are (g0 + g2) ± (g1 + g3), rows 3 and 4 are (g0 + 4g2) ± 2(g1 + 4g3).
     */
    static void outputAdjointF4(float[] src, int srcBase, int[] in, float[] dst, int dstBase, int[] out, int len,
                                int strip, int stripStride) {
        checkWholeVectors(len, strip);
        int i0 = srcBase + in[0], i1 = srcBase + in[1], i2 = srcBase + in[2], i3 = srcBase + in[3];
        int o0 = dstBase + out[0], o1 = dstBase + out[1], o2 = dstBase + out[2], o3 = dstBase + out[3];
        int o4 = dstBase + out[4], o5 = dstBase + out[5];
        FloatVector two = FloatVector.broadcast(SPECIES, 2f), minusTwo = FloatVector.broadcast(SPECIES, -2f);
        FloatVector four = FloatVector.broadcast(SPECIES, 4f);
        for (int s = 0, q0 = 0; s < len; s += strip, q0 += stripStride) {
            for (int j = 0; j < strip; j += VL) {
                int p = s + j, q = q0 + j;
                FloatVector g0 = FloatVector.fromArray(SPECIES, src, i0 + p);
                FloatVector g1 = FloatVector.fromArray(SPECIES, src, i1 + p);
                FloatVector g2 = FloatVector.fromArray(SPECIES, src, i2 + p);
                FloatVector g3 = FloatVector.fromArray(SPECIES, src, i3 + p);
                FloatVector even = g0.add(g2), odd = g1.add(g3);
                FloatVector evenByFour = g2.fma(four, g0), oddByFour = g3.fma(four, g1);
                g0.intoArray(dst, o0 + q);
                even.add(odd).intoArray(dst, o1 + q);
                even.sub(odd).intoArray(dst, o2 + q);
                oddByFour.fma(two, evenByFour).intoArray(dst, o3 + q);
                oddByFour.fma(minusTwo, evenByFour).intoArray(dst, o4 + q);
                g3.intoArray(dst, o5 + q);
            }
        }
    }

    private static void checkWholeVectors(int len, int strip) {
        if (strip <= 0 || strip % VL != 0 || len % strip != 0) {
            throw new IllegalArgumentException("lines of " + len + " values in strips of " + strip
                    + ": both must be whole vectors of " + VL + " and len whole strips");
        }
    }
}
