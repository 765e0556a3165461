package org.ddpm4j.bench.cli;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** A small MNIST-format data set for the command tests. */
final class MnistFiles {
    private MnistFiles() {
    }

    /** {@code n} random 28×28 images with labels 0–9 in turn, as {@code <prefix>-images-idx3-ubyte} and labels. */
    static void write(Path dir, String prefix, int n, long seed) throws IOException {
        SplittableRandom rng = new SplittableRandom(seed);
        try (DataOutputStream img = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte")));
             DataOutputStream lab = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte")))) {
            img.writeInt(0x803);
            img.writeInt(n);
            img.writeInt(28);
            img.writeInt(28);
            for (int i = 0; i < n * 28 * 28; i++) {
                img.writeByte(rng.nextInt(256));
            }
            lab.writeInt(0x801);
            lab.writeInt(n);
            for (int i = 0; i < n; i++) {
                lab.writeByte(i % 10);
            }
        }
    }
}
