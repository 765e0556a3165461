package org.ddpm4j.bench.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import org.ddpm4j.diffusion.train.TrainingListener;

/** {@code train --loss-log}: one CSV line {@code step,loss} per training step, for plotting and comparing runs. */
final class LossLog implements AutoCloseable {
    private final BufferedWriter out;
    private final Path file;

    private LossLog(BufferedWriter out, Path file) {
        this.out = out;
        this.file = file;
    }

    /** A log that writes to {@code file} (appending when resuming), or one that writes nothing when it is null. */
    static LossLog open(Path file, boolean append) throws IOException {
        if (file == null) {
            return new LossLog(null, null);
        }
        BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        return new LossLog(out, file);
    }

    void onStep(TrainingListener.Progress p) {
        if (out == null) {
            return;
        }
        try {
            out.write(p.step() + "," + String.format(Locale.ROOT, "%.6f", p.loss()));
            out.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the loss log " + file, e);
        }
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
        }
    }
}
