package org.ddpm4j.tensor.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.ddpm4j.tensor.DropoutMask;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link CounterDropout} against {@link DropoutMask#value}, element by element and bit for bit, for runs that start
 * anywhere (a thread's chunk) and end in a partial vector, for seeds of both signs and for p from 0 to near 1.
 * Nothing outside the run is written.
 */
class CounterDropoutTest {
    private static final float UNTOUCHED = -7f;

    @ParameterizedTest(name = "p {0}, seed {1}")
    @CsvSource({"0, 42", "0.1, 42", "0.5, -3", "0.9, 9223372036854775807", "0.999, -9223372036854775808"})
    void drawsTheScalarMaskFromAnyOffset(float p, long seed) {
        int vl = VectorOps.VL, size = 4 * vl + 3;
        float keepScale = 1f / (1f - p);
        float[] x = PhaseSplitTest.random(size, seed);
        for (int off = 0; off <= vl + 1; off++) {
            for (int len = 0; off + len <= size; len += len < 2 * vl + 2 ? 1 : vl - 1) {
                float[] y = new float[size], mask = new float[size];
                Arrays.fill(y, UNTOUCHED);
                Arrays.fill(mask, UNTOUCHED);
                CounterDropout.apply(x, y, mask, off, len, DropoutMask.counter(seed, off),
                        DropoutMask.keepThreshold(p), keepScale);
                for (int i = 0; i < size; i++) {
                    boolean inside = i >= off && i < off + len;
                    float m = DropoutMask.value(seed, i, p, keepScale);
                    String where = "offset " + off + ", length " + len + ", element " + i;
                    assertEquals(inside ? m : UNTOUCHED, mask[i], where + ": mask");
                    assertEquals(inside ? x[i] * m : UNTOUCHED, y[i], where + ": output");
                }
            }
        }
    }
}
