package org.ddpm4j.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ddpm4j.diffusion.train.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossLogTest {
    @TempDir
    Path dir;

    @Test
    void writesOneLinePerStepAndAppendsWhenResuming() throws Exception {
        Path file = dir.resolve("loss.csv");
        try (LossLog log = LossLog.open(file, -1)) {
            log.onStep(new TrainingListener.Progress(1, 3, 0.5, 1));
            log.onStep(new TrainingListener.Progress(2, 3, 0.25, 1));
            assertEquals(2, Files.readAllLines(file).size(), "each line is on disk before the log is closed");
        }
        try (LossLog log = LossLog.open(file, 2)) {
            log.onStep(new TrainingListener.Progress(3, 3, 0.125, 1));
        }
        assertEquals(List.of("1,0.500000", "2,0.250000", "3,0.125000"), Files.readAllLines(file));
        try (LossLog log = LossLog.open(file, 1)) {
            log.onStep(new TrainingListener.Progress(2, 3, 0.75, 1));
        }
        assertEquals(List.of("1,0.500000", "2,0.750000"), Files.readAllLines(file),
                "a run resumed from step 1 drops the steps after it (a killed run's) and logs them again");
        try (LossLog log = LossLog.open(file, -1)) {
            log.onStep(new TrainingListener.Progress(1, 1, 1.0, 1));
        }
        assertEquals(List.of("1,1.000000"), Files.readAllLines(file), "a fresh run starts the log again");
    }
}
