package org.ddpm4j.tensor.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorOps#copy} against the element-by-element copy at every length up to three vectors, both paths
 * included (a masked vector below one vector, whole vectors with an overlapping last one from there), at unaligned
 * offsets, ending flush with both arrays or before them, with nothing outside the destination range touched.
 */
class ShortCopyTest {
    private static final float UNTOUCHED = -7f;

    @Test
    void copiesEveryLengthAndNothingElse() {
        int vl = VectorOps.VL, srcOffset = 3, dstOffset = 5;
        float[] values = PhaseSplitTest.random(srcOffset + 3 * vl, 41);
        for (int len = 0; len <= 3 * vl; len++) {
            // Flush with both arrays' ends (where a whole-vector access past the range would throw), then with slack.
            for (int slack : new int[] {0, vl}) {
                float[] src = Arrays.copyOf(values, srcOffset + len + slack);
                float[] dst = new float[dstOffset + len + slack];
                Arrays.fill(dst, UNTOUCHED);
                VectorOps.copy(src, srcOffset, dst, dstOffset, len);
                for (int i = 0; i < dst.length; i++) {
                    boolean inside = i >= dstOffset && i < dstOffset + len;
                    assertEquals(inside ? src[srcOffset + i - dstOffset] : UNTOUCHED, dst[i],
                            "length " + len + ", slack " + slack + ", destination index " + i);
                }
            }
        }
    }
}
