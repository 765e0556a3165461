package org.ddpm4j.tensor.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ddpm4j.tensor.DropoutMask;
import org.junit.jupiter.api.Test;

/** The vectorised mask against the scalar definition, bit for bit, from offsets that split the vectors. */
class DropoutMasksTest {
    @Test
    void everyValueIsTheScalarDefinitions() {
        long[] seeds = {0L, 42L, -1L, Long.MIN_VALUE, 0x5DEECE66DL * 977};
        float[] ps = {0.1f, 0.5f, 0.9f};
        for (long seed : seeds) {
            for (float p : ps) {
                float keepScale = 1f / (1f - p);
                for (int off : new int[] {0, 1, 7, 13}) {
                    float[] mask = new float[off + 1001];
                    DropoutMasks.fill(seed, p, keepScale, mask, off, 1001);
                    int kept = 0;
                    for (int i = off; i < off + 1001; i++) {
                        float expected = DropoutMask.value(seed, i, p, keepScale);
                        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(mask[i]),
                                "seed " + seed + ", p " + p + ", index " + i);
                        kept += mask[i] != 0 ? 1 : 0;
                    }
                    for (int i = 0; i < off; i++) {
                        assertEquals(0f, mask[i], "written before the offset");
                    }
                    // Not a constant mask: about (1 − p) of 1001 kept.
                    assertEquals((1 - p) * 1001, kept, 0.1 * 1001, "kept, seed " + seed + ", p " + p);
                }
            }
        }
    }
}
