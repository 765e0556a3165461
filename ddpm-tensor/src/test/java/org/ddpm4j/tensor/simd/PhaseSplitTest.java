package org.ddpm4j.tensor.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link PhaseSplit} against the plain strided copy it replaces, for counts below, at and across whole vectors, and
 * its whole-vector overrun held to the slack its callers leave: nothing before a phase row or beyond a vector past
 * its count is touched.
 */
class PhaseSplitTest {
    private static final float UNTOUCHED = -7f;

    @ParameterizedTest(name = "m {0}, count {1}")
    @CsvSource({"2, 1", "2, 5", "2, 16", "2, 17", "2, 40", "4, 1", "4, 5", "4, 9", "4, 16", "4, 33"})
    void splitsEachPhaseLikeTheStridedCopy(int m, int count) {
        int vl = VectorOps.VL, offset = 3, stride = count + 2 * vl;
        float[] row = random(offset + PhaseSplit.readLength(m, count), m * 31L + count);
        int secondOffset = m * stride + 5;
        float[] dst = new float[2 * m * stride + 2 * vl];
        java.util.Arrays.fill(dst, UNTOUCHED);
        PhaseSplit.split(m, row, offset, count, dst, 1, secondOffset, stride);
        for (int start : new int[] {1, secondOffset}) {
            for (int r = 0; r < m; r++) {
                int phase = start + r * stride;
                assertEquals(UNTOUCHED, dst[phase - 1], "before phase " + r);
                for (int j = 0; j < count; j++) {
                    assertEquals(row[offset + m * j + r], dst[phase + j], "phase " + r + " element " + j);
                }
                for (int j = count + vl - 1; j < stride - 1; j++) {
                    assertEquals(UNTOUCHED, dst[phase + j], "phase " + r + ": more than a vector past the count");
                }
            }
        }
    }

    /** Counts below a vector, whose 2·count values fill less than one vector, exactly one, or part of a second. */
    static IntStream tailCounts() {
        int vl = VectorOps.VL;
        return IntStream.of(1, vl / 2 - 1, vl / 2, vl / 2 + 1, vl - 1);
    }

    @ParameterizedTest(name = "count {0}")
    @MethodSource("tailCounts")
    void splitsATailWithinItsValues(int count) {
        int vl = VectorOps.VL;
        // The row ends at the array's end: a load past its 2·count values would throw.
        float[] row = random(3 + 2 * count, 41L + count);
        int stride = count + 2 * vl;
        float[] dst = new float[2 * stride + vl];
        java.util.Arrays.fill(dst, UNTOUCHED);
        PhaseSplit.splitTail(row, 3, count, dst, 1, stride);
        for (int r = 0; r < 2; r++) {
            int phase = 1 + r * stride;
            assertEquals(UNTOUCHED, dst[phase - 1], "before phase " + r);
            for (int j = 0; j < count; j++) {
                assertEquals(row[3 + 2 * j + r], dst[phase + j], "phase " + r + " element " + j);
            }
            assertEquals(UNTOUCHED, dst[phase + count], "phase " + r + ": one past the count");
        }
    }

    @ParameterizedTest(name = "m {0}, count {1}")
    @CsvSource({"2, 1", "2, 5", "2, 16", "2, 17", "2, 40", "4, 1", "4, 5", "4, 9", "4, 16", "4, 33"})
    void mergeInvertsTheSplit(int m, int count) {
        int vl = VectorOps.VL, stride = count + vl + 3, from = 2;
        float[] phases = random(from + m * stride + vl, m * 17L + count);
        float[] row = new float[PhaseSplit.readLength(m, count) + 1];
        PhaseSplit.merge(m, phases, from, stride, count, row, 1);
        for (int j = 0; j < count; j++) {
            for (int r = 0; r < m; r++) {
                assertEquals(phases[from + r * stride + j], row[1 + m * j + r], "tile " + j + " phase " + r);
            }
        }
    }

    /** Standard normal values, the same for the same seed (also {@link GemmPackingTest}'s). */
    static float[] random(int length, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = (float) rng.nextGaussian();
        }
        return values;
    }
}
