package org.ddpm4j.bench.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.ddpm4j.diffusion.io.NpyWriter;

/** Writes .npy files for tests, as numpy.save does (format 1.0). */
final class NpyFiles {
    private NpyFiles() {
    }

    static Path write(Path file, String descr, int[] shape, ByteBuffer data) throws IOException {
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        NpyWriter.write(file, descr, shape, bytes);
        return file;
    }
}
