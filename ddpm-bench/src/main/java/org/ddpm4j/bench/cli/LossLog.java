package org.ddpm4j.bench.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import org.ddpm4j.diffusion.train.TrainingListener;

/**
 * {@code train --loss-log}: one CSV line {@code step,loss} per training step, for plotting and comparing runs. Each
 * line is flushed as it is written, so a run that is killed keeps its log up to the step it reached; a resumed run
 * drops the lines after the checkpoint's step (those steps are trained again) and appends.
 */
final class LossLog implements AutoCloseable {
    private final BufferedWriter out;
    private final Path file;

    private LossLog(BufferedWriter out, Path file) {
        this.out = out;
        this.file = file;
    }

    /**
     * A log that writes to {@code file}, or one that writes nothing when it is null.
     *
     * @param resumedAt the step a resumed run starts from (the lines up to it are kept), or a negative number for a
     *                  fresh run (the log starts empty)
     */
    static LossLog open(Path file, long resumedAt) throws IOException {
        if (file == null) {
            return new LossLog(null, null);
        }
        List<String> kept = new java.util.ArrayList<>();
        if (resumedAt >= 0 && Files.exists(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                int comma = lines.get(i).indexOf(',');
                try {
                    if (comma > 0 && Long.parseLong(lines.get(i).substring(0, comma)) <= resumedAt) {
                        kept.add(lines.get(i));
                    }
                } catch (NumberFormatException e) {
                    throw new IOException(file + ": line " + (i + 1) + " is not 'step,loss': '" + lines.get(i) + "'", e);
                }
            }
        }
        BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        for (String line : kept) {
            out.write(line);
            out.newLine();
        }
        out.flush();
        return new LossLog(out, file);
    }

    void onStep(TrainingListener.Progress p) {
        if (out == null) {
            return;
        }
        try {
            out.write(p.step() + "," + String.format(Locale.ROOT, "%.6f", p.loss()));
            out.newLine();
            out.flush();
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
