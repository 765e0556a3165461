package org.ddpm4j.bench.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.ddpm4j.diffusion.train.TrainingListener;

/** The commands' console progress bar for a training run: step, loss, rate and the bar's own ETA. */
final class TrainingBar implements TrainingListener, AutoCloseable {
    private final ProgressBar bar;

    /** A bar up to {@code lastStep}, starting at {@code firstStep} (non-zero when a run resumes). */
    TrainingBar(long firstStep, long lastStep) {
        this.bar = new ProgressBarBuilder().setTaskName("training").setInitialMax(lastStep)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).build();
        bar.stepTo(firstStep);
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
