package org.ddpm4j.bench.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ddpm4j.diffusion.train.TrainingListener.Progress;
import org.junit.jupiter.api.Test;

class TrainingBarTest {
    /** Longer than the test: only the bar's first and closing renders happen, so nothing depends on timing. */
    private static final int NEVER_MILLIS = 3_600_000;

    @Test
    void offATerminalEachUpdateIsAWholeLineWithoutCarriageReturns() {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (TrainingBar bar = new TrainingBar(2, 7, lines::add, NEVER_MILLIS)) {
            for (long step = 3; step <= 7; step++) {
                bar.onStep(new Progress(step, 7, 0.125, 2.5));
            }
        }
        assertFalse(lines.isEmpty(), "the closing render is handed over");
        for (String line : lines) {
            assertFalse(line.contains("\r") || line.contains("\n"), "one line per update: " + line);
        }
        String last = lines.get(lines.size() - 1);
        assertTrue(last.contains("7/7") && last.contains("loss 0.1250") && last.contains("2.50 steps/s"), last);
    }
}
