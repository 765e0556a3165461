package org.ddpm4j.bench.cli;

import java.io.Console;
import java.util.function.Consumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.ddpm4j.diffusion.train.TrainingListener;

/**
 * The commands' progress bar for a training run: step, loss, rate and the bar's own ETA. On a terminal it redraws
 * one line in place; anywhere else (CI, a log file) it prints a whole line every {@link #LOG_INTERVAL_MILLIS}, so a
 * log holds a readable line every few seconds instead of thousands of carriage-return updates.
 */
final class TrainingBar implements TrainingListener, AutoCloseable {
    static final int TERMINAL_INTERVAL_MILLIS = 500;
    static final int LOG_INTERVAL_MILLIS = 5_000;
    /** Wide enough for the bar, the counts, both times and the loss message on one line. */
    private static final int LOG_LINE_WIDTH = 160;

    private final ProgressBar bar;

    /** A bar up to {@code lastStep}, starting at {@code firstStep} (non-zero when a run resumes), on stderr. */
    TrainingBar(long firstStep, long lastStep) {
        this(firstStep, lastStep, onTerminal() ? null : System.err::println, LOG_INTERVAL_MILLIS);
    }

    /**
     * A bar that hands each rendered line to {@code lines} every {@code intervalMillis}, or, when {@code lines} is
     * null, redraws stderr's line in place.
     */
    TrainingBar(long firstStep, long lastStep, Consumer<String> lines, int intervalMillis) {
        ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName("training").setInitialMax(lastStep)
                .setStyle(ProgressBarStyle.ASCII);
        if (lines == null) {
            builder.setUpdateIntervalMillis(TERMINAL_INTERVAL_MILLIS);
        } else {
            builder.setUpdateIntervalMillis(intervalMillis)
                    .setConsumer(new DelegatingProgressBarConsumer(lines, LOG_LINE_WIDTH));
        }
        this.bar = builder.build();
        bar.stepTo(firstStep);
    }

    /** Java 22+ returns a console even when stderr is redirected; {@link Console#isTerminal()} tells the two apart. */
    private static boolean onTerminal() {
        Console console = System.console();
        return console != null && console.isTerminal();
    }

    @Override
    public void onStep(Progress p) {
        bar.stepTo(p.step());
        bar.setExtraMessage(String.format("loss %.4f, %.2f steps/s", p.loss(), p.stepsPerSecond()));
    }

    @Override
    public void close() {
        bar.close();
    }
}
