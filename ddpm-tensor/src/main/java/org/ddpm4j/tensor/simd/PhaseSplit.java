package org.ddpm4j.tensor.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Splits a row into its m column phases and merges them back, for m = 2 or 4 (never more than the lanes of a
 * vector, which hold at least four floats): {@code phase_r[j] = row[m·j + r]}.
 * The Winograd convolution reads its tiles from phase-split copies of the image rows and writes its output tiles back
 * the same way; a strided scalar copy cost about as much as the convolution's GEMMs.
 *
 * <p>Vectors of m·VL consecutive row values are split by two-vector permutes, one halving per level (even and odd
 * lanes, then the same on each half), so m = 4 takes eight permutes per 4·VL values and no gathers.
 */
final class PhaseSplit {
    private static final VectorSpecies<Float> SPECIES = VectorOps.SPECIES;
    private static final int VL = VectorOps.VL;
    /** Lane indices into the concatenation of two vectors (0 .. 2·VL − 1): their even and odd lanes. */
    static final FloatVector EVEN = indices(i -> 2 * i);
    private static final FloatVector ODD = indices(i -> 2 * i + 1);
    /**
     * The inverse permutes: lanes 2i and 2i + 1 from lane i of each vector, for the low and the high half (also
     * {@link LaneTranspose}'s stages).
     */
    static final FloatVector ZIP_LOW = indices(i -> (i % 2) * VL + i / 2);
    static final FloatVector ZIP_HIGH = indices(i -> (i % 2) * VL + VL / 2 + i / 2);

    private PhaseSplit() {
    }

    /**
     * The floats {@link #split} reads from its row and {@link #merge} writes: whole groups of m·VL, so that the row
     * buffer can be padded instead of every access being masked.
     */
    static int readLength(int m, int count) {
        return m * roundUp(count);
    }

    /**
     * {@code dst[d + r·stride + j] = row[s + m·j + r]} for j in [0, count) and r in [0, m), and the same into
     * {@code d2} when it is not negative. Reads {@link #readLength} floats from {@code s}. Stores whole vectors: up
     * to VL − 1 floats past each phase's count are overwritten with garbage, so a caller writes its rows in increasing
     * order and leaves a vector of slack after each phase array (masked stores cost as much as a scalar copy here).
     */
    static void split(int m, float[] row, int s, int count, float[] dst, int d, int d2, int stride) {
        // One method per m: C2 gave up the permute intrinsics on a method that held both.
        if (m == 2) {
            splitBy2(row, s, count, dst, d, d2, stride);
        } else {
            splitBy4(row, s, count, dst, d, d2, stride);
        }
    }

    private static void splitBy2(float[] row, int s, int count, float[] dst, int d, int d2, int stride) {
        for (int j = 0; j < count; j += VL) {
            int src = s + 2 * j;
            FloatVector v0 = FloatVector.fromArray(SPECIES, row, src);
            FloatVector v1 = FloatVector.fromArray(SPECIES, row, src + VL);
            FloatVector p0 = EVEN.selectFrom(v0, v1), p1 = ODD.selectFrom(v0, v1);
            p0.intoArray(dst, d + j);
            p1.intoArray(dst, d + stride + j);
            if (d2 >= 0) {
                p0.intoArray(dst, d2 + j);
                p1.intoArray(dst, d2 + stride + j);
            }
        }
    }

    /**
     * {@link #split} by 2 of fewer than VL values per phase ({@code count < VL}), with masked loads and stores: writes
     * nothing past either phase's count and reads nothing past the row's 2·count values.
     */
    static void splitTail(float[] row, int s, int count, float[] dst, int d, int stride) {
        VectorMask<Float> values = SPECIES.indexInRange(0, count);
        FloatVector v0 = FloatVector.fromArray(SPECIES, row, s, SPECIES.indexInRange(0, 2 * count));
        FloatVector v1 = 2 * count > VL
                ? FloatVector.fromArray(SPECIES, row, s + VL, SPECIES.indexInRange(VL, 2 * count))
                : FloatVector.zero(SPECIES);
        EVEN.selectFrom(v0, v1).intoArray(dst, d, values);
        ODD.selectFrom(v0, v1).intoArray(dst, d + stride, values);
    }

    private static void splitBy4(float[] row, int s, int count, float[] dst, int d, int d2, int stride) {
        for (int j = 0; j < count; j += VL) {
            int src = s + 4 * j;
            FloatVector v0 = FloatVector.fromArray(SPECIES, row, src);
            FloatVector v1 = FloatVector.fromArray(SPECIES, row, src + VL);
            FloatVector v2 = FloatVector.fromArray(SPECIES, row, src + 2 * VL);
            FloatVector v3 = FloatVector.fromArray(SPECIES, row, src + 3 * VL);
            // Even and odd values of the row (phases 0, 2 and 1, 3), then each of those halved again.
            FloatVector e0 = EVEN.selectFrom(v0, v1), e1 = EVEN.selectFrom(v2, v3);
            FloatVector o0 = ODD.selectFrom(v0, v1), o1 = ODD.selectFrom(v2, v3);
            FloatVector p0 = EVEN.selectFrom(e0, e1), p1 = EVEN.selectFrom(o0, o1);
            FloatVector p2 = ODD.selectFrom(e0, e1), p3 = ODD.selectFrom(o0, o1);
            p0.intoArray(dst, d + j);
            p1.intoArray(dst, d + stride + j);
            p2.intoArray(dst, d + 2 * stride + j);
            p3.intoArray(dst, d + 3 * stride + j);
            if (d2 >= 0) {
                // The second copy reuses the permutes.
                p0.intoArray(dst, d2 + j);
                p1.intoArray(dst, d2 + stride + j);
                p2.intoArray(dst, d2 + 2 * stride + j);
                p3.intoArray(dst, d2 + 3 * stride + j);
            }
        }
    }

    /**
     * The inverse of {@link #split}: {@code row[s + m·j + r] = src[p + r·stride + j]} for j in [0, count), written
     * in whole groups: {@link #readLength} floats of {@code row} from {@code s}. Reads src up to the next whole
     * vector past count, so the caller pads it.
     */
    static void merge(int m, float[] src, int p, int stride, int count, float[] row, int s) {
        if (m == 2) {
            mergeBy2(src, p, stride, count, row, s);
        } else {
            mergeBy4(src, p, stride, count, row, s);
        }
    }

    private static void mergeBy2(float[] src, int p, int stride, int count, float[] row, int s) {
        for (int j = 0; j < count; j += VL) {
            int dst = s + 2 * j;
            FloatVector p0 = FloatVector.fromArray(SPECIES, src, p + j);
            FloatVector p1 = FloatVector.fromArray(SPECIES, src, p + stride + j);
            ZIP_LOW.selectFrom(p0, p1).intoArray(row, dst);
            ZIP_HIGH.selectFrom(p0, p1).intoArray(row, dst + VL);
        }
    }

    private static void mergeBy4(float[] src, int p, int stride, int count, float[] row, int s) {
        for (int j = 0; j < count; j += VL) {
            int dst = s + 4 * j;
            FloatVector p0 = FloatVector.fromArray(SPECIES, src, p + j);
            FloatVector p1 = FloatVector.fromArray(SPECIES, src, p + stride + j);
            FloatVector p2 = FloatVector.fromArray(SPECIES, src, p + 2 * stride + j);
            FloatVector p3 = FloatVector.fromArray(SPECIES, src, p + 3 * stride + j);
            // The even values are phases 0 and 2 zipped, the odd ones 1 and 3; zipping those gives the row.
            FloatVector e0 = ZIP_LOW.selectFrom(p0, p2), e1 = ZIP_HIGH.selectFrom(p0, p2);
            FloatVector o0 = ZIP_LOW.selectFrom(p1, p3), o1 = ZIP_HIGH.selectFrom(p1, p3);
            ZIP_LOW.selectFrom(e0, o0).intoArray(row, dst);
            ZIP_HIGH.selectFrom(e0, o0).intoArray(row, dst + VL);
            ZIP_LOW.selectFrom(e1, o1).intoArray(row, dst + 2 * VL);
            ZIP_HIGH.selectFrom(e1, o1).intoArray(row, dst + 3 * VL);
        }
    }

    private static int roundUp(int count) {
        return (count + VL - 1) / VL * VL;
    }

    private static FloatVector indices(java.util.function.IntUnaryOperator lane) {
        float[] values = new float[VL];
        for (int i = 0; i < VL; i++) {
            values[i] = lane.applyAsInt(i);
        }
        return FloatVector.fromArray(SPECIES, values, 0);
    }
}
