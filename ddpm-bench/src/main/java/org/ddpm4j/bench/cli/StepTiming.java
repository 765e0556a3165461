package org.ddpm4j.bench.cli;

import java.io.IOException;
import org.ddpm4j.bench.compare.InterleavedComparison;
import org.ddpm4j.bench.compare.JitActivity;

/** Warm-up and timing of a whole U-Net step, for the commands that break one down. */
final class StepTiming {
    private StepTiming() {
    }

    /**
     * {@code warmupSteps} untimed steps, then more until the JIT has been idle, as the PyTorch comparison warms ours
     * up: on a machine of few cores, steps timed while the compiler threads still share them with the backend's run
     * slow, and the step "as it runs" came out longer than the same step with its ops timed one by one.
     */
    static void warmUp(Runnable step, int warmupSteps) throws IOException {
        if (warmupSteps == 0) {
            return;
        }
        double[] ms = InterleavedComparison.callMillis(step, warmupSteps);
        // As long again as the warm-up steps at the last one's pace: the first steps' one-time costs (an OpenCL
        // device's kernel builds) would otherwise make the wait, and its cap, as long as they were.
        double seconds = warmupSteps * ms[warmupSteps - 1] / 1e3;
        InterleavedComparison.warmUp(calls -> InterleavedComparison.callMillis(step, calls), seconds,
                JitActivity::compileMillis);
    }

    /** Nanoseconds per step, over {@code steps} steps. */
    static double nanosPerStep(Runnable step, int steps) {
        long start = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            step.run();
        }
        return (System.nanoTime() - start) / (double) steps;
    }
}
