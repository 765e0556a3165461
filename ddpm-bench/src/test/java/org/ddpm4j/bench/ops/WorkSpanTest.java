package org.ddpm4j.bench.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The work–span bound of repeated steps, on made-up chunk times: two ranges a step (two chunks, then one), run by two
 * ops; the third step's second chunk is ten times slower, as an interrupt would make it.
 */
class WorkSpanTest {
    private static final double TOLERANCE = 1e-9;

    private static List<long[]> ranges(boolean slowThirdStep) {
        List<long[]> ranges = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            ranges.add(new long[] {10, slowThirdStep && s == 2 ? 300 : 30});
            ranges.add(new long[] {5});
        }
        return ranges;
    }

    /** Op A ran the first range of each step in 50 ns (320 in the slow step), op B the second in 8. */
    private static List<OpTimes.Call> calls(String second) {
        List<OpTimes.Call> calls = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            calls.add(new OpTimes.Call("A", s == 2 ? 320 : 50, 2L * s, 2L * s + 1));
            calls.add(new OpTimes.Call(s == 2 ? second : "B", 8, 2L * s + 1, 2L * s + 2));
        }
        return calls;
    }

    @Test
    void eachChunkIsTakenAtItsMedianAndTheRestOfTheStepRunsOnOneThread() {
        WorkSpan w = WorkSpan.of(new double[] {100, 100, 370}, calls("B"), ranges(true));
        // Chunks at their medians: 10 and 30, then 5. Outside the ranges: 55 in every step.
        assertEquals(45, w.workNanos(), TOLERANCE);
        assertEquals(35, w.spanNanos(), TOLERANCE);
        assertEquals(55, w.serialNanos(), TOLERANCE);
        assertEquals(100, w.stepNanos(), TOLERANCE);
        assertEquals(90, w.boundNanos(), TOLERANCE);
        assertArrayEquals(new long[] {0, 1, 1}, w.rangeChunks());

        WorkSpan.Op a = w.ops().get(0), b = w.ops().get(1);
        assertEquals("A", a.op());
        assertEquals(1, a.calls());
        assertEquals(10, a.outsideNanos(), TOLERANCE);
        assertEquals(50, a.nanos(), TOLERANCE);
        assertEquals(40, a.boundNanos(), TOLERANCE);
        assertEquals(15, a.excessNanos(2), TOLERANCE);
        assertEquals("B", b.op());
        assertEquals(3, b.outsideNanos(), TOLERANCE);
        assertEquals(b.nanos(), b.boundNanos(), TOLERANCE, "one chunk: no faster on more cores");
    }

    @Test
    void withoutOpCallsTheStepIsBoundedAlone() {
        WorkSpan w = WorkSpan.of(new double[] {100, 100, 370}, List.of(), ranges(true));
        assertEquals(90, w.boundNanos(), TOLERANCE);
        assertTrue(w.ops().isEmpty());
    }

    @Test
    void stepsThatRanDifferentRangesOrOpsAreRefused() {
        List<long[]> uneven = ranges(false);
        uneven.set(4, new long[] {10, 20, 30});
        IllegalArgumentException chunks = assertThrows(IllegalArgumentException.class,
                () -> WorkSpan.of(new double[] {100, 100, 100}, List.of(), uneven));
        assertTrue(chunks.getMessage().contains("range 0 of step 2 ran 3 chunks"), chunks.getMessage());

        IllegalArgumentException ops = assertThrows(IllegalArgumentException.class,
                () -> WorkSpan.of(new double[] {100, 100, 100}, calls("C"), ranges(false)));
        assertTrue(ops.getMessage().contains("op call 1 of step 2 (C)"), ops.getMessage());

        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> WorkSpan.of(new double[] {100, 100, 100, 100}, List.of(), ranges(false)));
        assertTrue(count.getMessage().contains("not the same in every step"), count.getMessage());
    }
}
