package org.ddpm4j.bench.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.ddpm4j.diffusion.data.ImageFolder;
import org.ddpm4j.diffusion.io.NpyImages;
import org.ddpm4j.nn.ImageClassifier;
import org.ddpm4j.tensor.Tensor;

/** Images generated outside ddpm4j, for {@code ddpm quality --images}: a folder of PNGs or a {@code .npy} file. */
final class GeneratedImages {
    private GeneratedImages() {
    }

    /**
     * The first {@code n} images of {@code source}, checked against what the classifier reads.
     *
     * @throws IOException naming the source when it holds fewer than n images or images of another shape
     */
    static Tensor first(Path source, int n, ImageClassifier.Config classifier) throws IOException {
        int size = classifier.imageSize(), channels = classifier.imageChannels();
        Tensor all = Files.isDirectory(source)
                ? ImageFolder.load(source, size, channels == 1).batch(IntStream.range(0, count(source, n)).toArray())
                : NpyImages.read(source);
        if (all.dim(0) < n) {
            throw new IOException(source + ": holds " + all.dim(0) + " images, --n asks for " + n);
        }
        if (all.dim(1) != channels || all.dim(2) != size || all.dim(3) != size) {
            throw new IOException(source + ": images are " + all.dim(1) + "×" + all.dim(2) + "×" + all.dim(3)
                    + " (channels×height×width), the classifier reads " + channels + "×" + size + "×" + size);
        }
        float[] kept = java.util.Arrays.copyOf(all.toArray(), n * channels * size * size);
        return Tensor.of(kept, n, channels, size, size);
    }

    /** How many of the folder's images to take: n, or all of them when there are fewer (reported by the caller). */
    private static int count(Path dir, int n) throws IOException {
        try (var files = Files.list(dir)) {
            long images = files.filter(p -> p.getFileName().toString().toLowerCase(java.util.Locale.ROOT)
                    .matches(".*\\.(png|jpe?g)")).count();
            return (int) Math.min(n, images);
        }
    }
}
