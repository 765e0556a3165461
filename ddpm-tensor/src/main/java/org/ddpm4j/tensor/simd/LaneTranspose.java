package org.ddpm4j.tensor.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Transposes a block of rows × VL floats in registers, for the GEMM's packing of a transposed operand: with rows = VL
 * a square transpose, with fewer rows the k-major interleave of {@link Sgemm}'s A strips. Value (v, c) of the block,
 * row v at {@code src[s + v·ld + c]}, goes to position {@code c·rows + v} of the output, whose vector q (VL
 * consecutive positions) is stored at {@code dst[d + q·vectorStride]}.
 *
 * <p>Each stage zips pairs of vectors whose indices differ in one bit (first rows/2, last 1), interleaving their
 * lower or upper halves: it moves the top bit of the lane index into that bit of the vector index, and that bit of
 * the vector index into the bottom of the lane index. After log2(rows) stages, the vector index holds the column's
 * high bits and the lane index its low bits followed by the row: position c·rows + v. A scalar copy of the same block
 * does one load and one store per value; this does a load and a store per vector and log2(rows) permutes.
 */
final class LaneTranspose {
    private static final VectorSpecies<Float> SPECIES = VectorOps.SPECIES;
    private static final int VL = VectorOps.VL;
    /** Lanes 2i and 2i + 1 from lane i of each of two vectors: their low halves interleaved, and their high halves. */
    private static final FloatVector ZIP_LOW = PhaseSplit.ZIP_LOW, ZIP_HIGH = PhaseSplit.ZIP_HIGH;

    private LaneTranspose() {
    }

    /** Whether {@link #transpose} handles blocks of this many rows with this machine's vectors. */
    static boolean supports(int rows) {
        return rows == 8 && (VL == 8 || VL == 16) || rows == 16 && VL == 16;
    }

    /**
     * {@code blocks} blocks, block b read from {@code s + b·srcStep} and written from {@code d + b·dstStep}, each as
     * {@code dst[d + q·vectorStride + i] = src[s + v·ld + c]} for position {@code c·rows + v = q·VL + i}, c in
     * [0, VL), v in [0, rows). Only for {@link #supports supported} row counts.
     */
    static void transpose(int rows, int blocks, float[] src, int s, int srcStep, int ld, float[] dst, int d,
                          int dstStep, int vectorStride) {
        // One method per row count, every vector a local (an array of vectors would box them), and the loop over the
        // blocks inside it: a strip's depth is one call, which C2 can compile on stack during its first long run.
        if (rows == 16) {
            transpose16(src, s, ld, dst, d, vectorStride, blocks, srcStep, dstStep);
        } else {
            transpose8(src, s, ld, dst, d, vectorStride, blocks, srcStep, dstStep);
        }
    }

    private static void transpose16(float[] src, int s, int ld, float[] dst, int d, int vectorStride, int blocks,
                                    int srcStep, int dstStep) {
        for (int block = 0; block < blocks; block++, s += srcStep, d += dstStep) {
            FloatVector r0 = FloatVector.fromArray(SPECIES, src, s);
            FloatVector r1 = FloatVector.fromArray(SPECIES, src, s + ld);
            FloatVector r2 = FloatVector.fromArray(SPECIES, src, s + 2 * ld);
            FloatVector r3 = FloatVector.fromArray(SPECIES, src, s + 3 * ld);
            FloatVector r4 = FloatVector.fromArray(SPECIES, src, s + 4 * ld);
            FloatVector r5 = FloatVector.fromArray(SPECIES, src, s + 5 * ld);
            FloatVector r6 = FloatVector.fromArray(SPECIES, src, s + 6 * ld);
            FloatVector r7 = FloatVector.fromArray(SPECIES, src, s + 7 * ld);
            FloatVector r8 = FloatVector.fromArray(SPECIES, src, s + 8 * ld);
            FloatVector r9 = FloatVector.fromArray(SPECIES, src, s + 9 * ld);
            FloatVector r10 = FloatVector.fromArray(SPECIES, src, s + 10 * ld);
            FloatVector r11 = FloatVector.fromArray(SPECIES, src, s + 11 * ld);
            FloatVector r12 = FloatVector.fromArray(SPECIES, src, s + 12 * ld);
            FloatVector r13 = FloatVector.fromArray(SPECIES, src, s + 13 * ld);
            FloatVector r14 = FloatVector.fromArray(SPECIES, src, s + 14 * ld);
            FloatVector r15 = FloatVector.fromArray(SPECIES, src, s + 15 * ld);
            FloatVector a0 = ZIP_LOW.selectFrom(r0, r8), a8 = ZIP_HIGH.selectFrom(r0, r8);
            FloatVector a1 = ZIP_LOW.selectFrom(r1, r9), a9 = ZIP_HIGH.selectFrom(r1, r9);
            FloatVector a2 = ZIP_LOW.selectFrom(r2, r10), a10 = ZIP_HIGH.selectFrom(r2, r10);
            FloatVector a3 = ZIP_LOW.selectFrom(r3, r11), a11 = ZIP_HIGH.selectFrom(r3, r11);
            FloatVector a4 = ZIP_LOW.selectFrom(r4, r12), a12 = ZIP_HIGH.selectFrom(r4, r12);
            FloatVector a5 = ZIP_LOW.selectFrom(r5, r13), a13 = ZIP_HIGH.selectFrom(r5, r13);
            FloatVector a6 = ZIP_LOW.selectFrom(r6, r14), a14 = ZIP_HIGH.selectFrom(r6, r14);
            FloatVector a7 = ZIP_LOW.selectFrom(r7, r15), a15 = ZIP_HIGH.selectFrom(r7, r15);
            FloatVector b0 = ZIP_LOW.selectFrom(a0, a4), b4 = ZIP_HIGH.selectFrom(a0, a4);
            FloatVector b1 = ZIP_LOW.selectFrom(a1, a5), b5 = ZIP_HIGH.selectFrom(a1, a5);
            FloatVector b2 = ZIP_LOW.selectFrom(a2, a6), b6 = ZIP_HIGH.selectFrom(a2, a6);
            FloatVector b3 = ZIP_LOW.selectFrom(a3, a7), b7 = ZIP_HIGH.selectFrom(a3, a7);
            FloatVector b8 = ZIP_LOW.selectFrom(a8, a12), b12 = ZIP_HIGH.selectFrom(a8, a12);
            FloatVector b9 = ZIP_LOW.selectFrom(a9, a13), b13 = ZIP_HIGH.selectFrom(a9, a13);
            FloatVector b10 = ZIP_LOW.selectFrom(a10, a14), b14 = ZIP_HIGH.selectFrom(a10, a14);
            FloatVector b11 = ZIP_LOW.selectFrom(a11, a15), b15 = ZIP_HIGH.selectFrom(a11, a15);
            FloatVector c0 = ZIP_LOW.selectFrom(b0, b2), c2 = ZIP_HIGH.selectFrom(b0, b2);
            FloatVector c1 = ZIP_LOW.selectFrom(b1, b3), c3 = ZIP_HIGH.selectFrom(b1, b3);
            FloatVector c4 = ZIP_LOW.selectFrom(b4, b6), c6 = ZIP_HIGH.selectFrom(b4, b6);
            FloatVector c5 = ZIP_LOW.selectFrom(b5, b7), c7 = ZIP_HIGH.selectFrom(b5, b7);
            FloatVector c8 = ZIP_LOW.selectFrom(b8, b10), c10 = ZIP_HIGH.selectFrom(b8, b10);
            FloatVector c9 = ZIP_LOW.selectFrom(b9, b11), c11 = ZIP_HIGH.selectFrom(b9, b11);
            FloatVector c12 = ZIP_LOW.selectFrom(b12, b14), c14 = ZIP_HIGH.selectFrom(b12, b14);
            FloatVector c13 = ZIP_LOW.selectFrom(b13, b15), c15 = ZIP_HIGH.selectFrom(b13, b15);
            FloatVector d0 = ZIP_LOW.selectFrom(c0, c1), d1 = ZIP_HIGH.selectFrom(c0, c1);
            FloatVector d2 = ZIP_LOW.selectFrom(c2, c3), d3 = ZIP_HIGH.selectFrom(c2, c3);
            FloatVector d4 = ZIP_LOW.selectFrom(c4, c5), d5 = ZIP_HIGH.selectFrom(c4, c5);
            FloatVector d6 = ZIP_LOW.selectFrom(c6, c7), d7 = ZIP_HIGH.selectFrom(c6, c7);
            FloatVector d8 = ZIP_LOW.selectFrom(c8, c9), d9 = ZIP_HIGH.selectFrom(c8, c9);
            FloatVector d10 = ZIP_LOW.selectFrom(c10, c11), d11 = ZIP_HIGH.selectFrom(c10, c11);
            FloatVector d12 = ZIP_LOW.selectFrom(c12, c13), d13 = ZIP_HIGH.selectFrom(c12, c13);
            FloatVector d14 = ZIP_LOW.selectFrom(c14, c15), d15 = ZIP_HIGH.selectFrom(c14, c15);
            d0.intoArray(dst, d);
            d1.intoArray(dst, d + 1 * vectorStride);
            d2.intoArray(dst, d + 2 * vectorStride);
            d3.intoArray(dst, d + 3 * vectorStride);
            d4.intoArray(dst, d + 4 * vectorStride);
            d5.intoArray(dst, d + 5 * vectorStride);
            d6.intoArray(dst, d + 6 * vectorStride);
            d7.intoArray(dst, d + 7 * vectorStride);
            d8.intoArray(dst, d + 8 * vectorStride);
            d9.intoArray(dst, d + 9 * vectorStride);
            d10.intoArray(dst, d + 10 * vectorStride);
            d11.intoArray(dst, d + 11 * vectorStride);
            d12.intoArray(dst, d + 12 * vectorStride);
            d13.intoArray(dst, d + 13 * vectorStride);
            d14.intoArray(dst, d + 14 * vectorStride);
            d15.intoArray(dst, d + 15 * vectorStride);
        }
    }

    private static void transpose8(float[] src, int s, int ld, float[] dst, int d, int vectorStride, int blocks,
                                    int srcStep, int dstStep) {
        for (int block = 0; block < blocks; block++, s += srcStep, d += dstStep) {
            FloatVector r0 = FloatVector.fromArray(SPECIES, src, s);
            FloatVector r1 = FloatVector.fromArray(SPECIES, src, s + ld);
            FloatVector r2 = FloatVector.fromArray(SPECIES, src, s + 2 * ld);
            FloatVector r3 = FloatVector.fromArray(SPECIES, src, s + 3 * ld);
            FloatVector r4 = FloatVector.fromArray(SPECIES, src, s + 4 * ld);
            FloatVector r5 = FloatVector.fromArray(SPECIES, src, s + 5 * ld);
            FloatVector r6 = FloatVector.fromArray(SPECIES, src, s + 6 * ld);
            FloatVector r7 = FloatVector.fromArray(SPECIES, src, s + 7 * ld);
            FloatVector a0 = ZIP_LOW.selectFrom(r0, r4), a4 = ZIP_HIGH.selectFrom(r0, r4);
            FloatVector a1 = ZIP_LOW.selectFrom(r1, r5), a5 = ZIP_HIGH.selectFrom(r1, r5);
            FloatVector a2 = ZIP_LOW.selectFrom(r2, r6), a6 = ZIP_HIGH.selectFrom(r2, r6);
            FloatVector a3 = ZIP_LOW.selectFrom(r3, r7), a7 = ZIP_HIGH.selectFrom(r3, r7);
            FloatVector b0 = ZIP_LOW.selectFrom(a0, a2), b2 = ZIP_HIGH.selectFrom(a0, a2);
            FloatVector b1 = ZIP_LOW.selectFrom(a1, a3), b3 = ZIP_HIGH.selectFrom(a1, a3);
            FloatVector b4 = ZIP_LOW.selectFrom(a4, a6), b6 = ZIP_HIGH.selectFrom(a4, a6);
            FloatVector b5 = ZIP_LOW.selectFrom(a5, a7), b7 = ZIP_HIGH.selectFrom(a5, a7);
            FloatVector c0 = ZIP_LOW.selectFrom(b0, b1), c1 = ZIP_HIGH.selectFrom(b0, b1);
            FloatVector c2 = ZIP_LOW.selectFrom(b2, b3), c3 = ZIP_HIGH.selectFrom(b2, b3);
            FloatVector c4 = ZIP_LOW.selectFrom(b4, b5), c5 = ZIP_HIGH.selectFrom(b4, b5);
            FloatVector c6 = ZIP_LOW.selectFrom(b6, b7), c7 = ZIP_HIGH.selectFrom(b6, b7);
            c0.intoArray(dst, d);
            c1.intoArray(dst, d + 1 * vectorStride);
            c2.intoArray(dst, d + 2 * vectorStride);
            c3.intoArray(dst, d + 3 * vectorStride);
            c4.intoArray(dst, d + 4 * vectorStride);
            c5.intoArray(dst, d + 5 * vectorStride);
            c6.intoArray(dst, d + 6 * vectorStride);
            c7.intoArray(dst, d + 7 * vectorStride);
        }
    }
}
