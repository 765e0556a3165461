package org.ddpm4j.bench.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.ddpm4j.diffusion.data.Dataset;
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
        Tensor first;
        if (Files.isDirectory(source)) {
            Dataset folder = ImageFolder.load(source, size, channels == 1);
            requireCount(source, folder.size(), n);
            first = folder.batch(IntStream.range(0, n).toArray());
        } else {
            Tensor all = NpyImages.read(source);
            requireCount(source, all.dim(0), n);
            int per = all.size() / all.dim(0);
            first = Tensor.of(java.util.Arrays.copyOf(all.toArray(), n * per), n, all.dim(1), all.dim(2), all.dim(3));
        }
        if (first.dim(1) != channels || first.dim(2) != size || first.dim(3) != size) {
            throw new IOException(source + ": images are " + first.dim(1) + "×" + first.dim(2) + "×" + first.dim(3)
                    + " (channels×height×width), the classifier reads " + channels + "×" + size + "×" + size);
        }
        return first;
    }

    private static void requireCount(Path source, int held, int n) throws IOException {
        if (held < n) {
            throw new IOException(source + ": holds " + held + " images, --n asks for " + n);
        }
    }
}
