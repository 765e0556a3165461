package org.ddpm4j.tensor.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link LaneTranspose} against the index formula it implements, and the GEMM's packings (B row-major or transposed,
 * A row-major or transposed) against the packed layouts' definitions, on sizes with whole blocks, a partial depth and
 * partial strips, so both the vector paths and the value-by-value rest are checked.
 */
class GemmPackingTest {
    private static final float UNTOUCHED = -7f;

    /** The row counts this machine's vectors transpose: 8-row A strips, and a square block with 16 lanes. */
    static IntStream supportedRows() {
        return IntStream.of(8, 16).filter(LaneTranspose::supports);
    }

    @Test
    void eightRowStripsAreTransposedInRegisters() {
        assertTrue(LaneTranspose.supports(8) || VectorOps.VL < 8, "an A strip of 8 rows with " + VectorOps.VL + " lanes");
    }

    @ParameterizedTest(name = "{0} rows")
    @MethodSource("supportedRows")
    void placesValueVCAtPositionCTimesRowsPlusV(int rows) {
        int vl = VectorOps.VL, blocks = 3, ld = blocks * vl + 5, s = 3, d = 2, stride = vl + 4;
        int dstStep = rows * stride + 1;
        float[] src = PhaseSplitTest.random(s + rows * ld, rows);
        float[] dst = new float[d + blocks * dstStep];
        Arrays.fill(dst, UNTOUCHED);
        LaneTranspose.transpose(rows, blocks, src, s, vl, ld, dst, d, dstStep, stride);
        for (int b = 0; b < blocks; b++) {
            int block = d + b * dstStep;
            for (int v = 0; v < rows; v++) {
                for (int c = 0; c < vl; c++) {
                    int position = c * rows + v, q = position / vl, lane = position % vl;
                    assertEquals(src[s + v * ld + b * vl + c], dst[block + q * stride + lane],
                            "block " + b + " row " + v + " column " + c);
                }
            }
            for (int q = 0; q < rows; q++) {
                for (int gap = vl; gap < stride; gap++) {
                    assertEquals(UNTOUCHED, dst[block + q * stride + gap], "between vectors " + q + " and " + (q + 1));
                }
            }
        }
    }

    @ParameterizedTest(name = "k {0}, n {1}")
    @CsvSource({"16, 32", "37, 64", "48, 45", "5, 32", "64, 70"})
    void packsATransposedBStripByStrip(int k, int n) {
        int nr = Sgemm.NR, ld = k + 3, off = 2, pc = 1, kc = k - 1, jc = 0;
        float[] b = PhaseSplitTest.random(off + n * ld, k * 131L + n);
        int strips = (n + nr - 1) / nr;
        float[] dst = new float[strips * nr * kc];
        new BPacker.Dense(true, b, off, ld).pack(pc, kc, jc, n, dst);
        for (int s = 0; s < strips; s++) {
            for (int p = 0; p < kc; p++) {
                for (int j = 0; j < nr; j++) {
                    int col = s * nr + j;
                    float expected = col < n ? b[off + col * ld + pc + p] : 0f;
                    assertEquals(expected, dst[s * nr * kc + p * nr + j], "strip " + s + " depth " + p + " column " + j);
                }
            }
        }
    }

    @ParameterizedTest(name = "k {0}, n {1}")
    @CsvSource({"16, 32", "37, 64", "48, 45", "5, 32", "64, 70", "3, 7"})
    void packsARowMajorBIntoZeroPaddedStrips(int k, int n) {
        int nr = Sgemm.NR, jc = 3, ld = jc + n + 5, off = 2, pc = 1, kc = k - 1;
        float[] b = PhaseSplitTest.random(off + (pc + kc) * ld, k * 37L + n);
        int strips = (n + nr - 1) / nr;
        float[] dst = new float[strips * nr * kc];
        Arrays.fill(dst, UNTOUCHED);
        new BPacker.Dense(false, b, off, ld).pack(pc, kc, jc, n, dst);
        for (int s = 0; s < strips; s++) {
            for (int p = 0; p < kc; p++) {
                for (int j = 0; j < nr; j++) {
                    int col = s * nr + j;
                    float expected = col < n ? b[off + (pc + p) * ld + jc + col] : 0f;
                    assertEquals(expected, dst[s * nr * kc + p * nr + j],
                            "strip " + s + " depth " + p + " column " + j);
                }
            }
        }
    }

    @ParameterizedTest(name = "m {0}, k {1}, transposed {2}")
    @CsvSource({"8, 16, false", "16, 37, false", "13, 48, false", "24, 5, false", "8, 300, false",
            "8, 16, true", "13, 37, true", "24, 300, true"})
    void packsAIntoInterleavedStrips(int m, int k, boolean trans) {
        int mr = Sgemm.MR, lda = (trans ? m : k) + 2, off = 1, rows = Sgemm.PackedA.paddedRows(m);
        float[] a = PhaseSplitTest.random(off + (trans ? k : m) * lda, m * 17L + k);
        float[] buffer = new float[Sgemm.PackedA.size(m, k)];
        Sgemm.PackedA.pack(trans, m, k, a, off, lda, buffer);
        int depth = Sgemm.blockDepth(k);
        for (int pc = 0; pc < k; pc += depth) {
            int kc = Math.min(depth, k - pc);
            for (int i = 0; i < rows; i++) {
                for (int p = 0; p < kc; p++) {
                    float expected = i >= m ? 0f : trans ? a[off + (pc + p) * lda + i] : a[off + i * lda + pc + p];
                    int at = pc * rows + (i / mr) * mr * kc + p * mr + i % mr;
                    assertEquals(expected, buffer[at], "row " + i + " depth " + (pc + p));
                }
            }
        }
    }
}
