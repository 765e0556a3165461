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

    @Test
    void plotLossAveragesEachCurveAndNamesABadLine() throws Exception {
        double[][] avg = PlotLossCommand.movingAverage(new double[][] {{1, 2, 3, 4}, {4, 2, 6, 0}}, 2);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {4, 3, 4, 3}, avg[1]);
        Path good = Files.writeString(dir.resolve("a.csv"), "1,0.5\n2,0.25\n");
        Path bad = Files.writeString(dir.resolve("b.csv"), "1,0.5\nstep two,0.1\n");
        Path png = dir.resolve("loss.png");
        int rc = DdpmCommand.commandLine().execute("plot-loss", "ours=" + good, "--out", png.toString(), "--window", "1");
        assertEquals(0, rc);
        org.junit.jupiter.api.Assertions.assertTrue(Files.size(png) > 0);
        var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> PlotLossCommand.read(bad));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains(bad.toString()),
                e.getMessage());
    }
}
