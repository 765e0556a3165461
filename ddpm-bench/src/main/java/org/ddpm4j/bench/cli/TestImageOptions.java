package org.ddpm4j.bench.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.data.ImageDatasets;
import org.ddpm4j.tensor.Tensor;
import picocli.CommandLine.Option;

/** Which test images the posterior commands start from: {@code --n} of them from {@code --index} on. */
public final class TestImageOptions {
    @Option(names = "--data-dir", description = "directory with t10k-images-idx3-ubyte[.gz] (default: ${DEFAULT-VALUE})")
    Path dataDir = ImageDatasets.DEBIAN_FASHION_MNIST;

    @Option(names = "--index", description = "first test image (default: ${DEFAULT-VALUE})")
    int index;

    @Option(names = "--n", description = "number of test images (default: ${DEFAULT-VALUE})")
    int n = 8;

    /** Checks the options before the command starts work (the upper end of the range once the data is read). */
    void check(OptionChecks checks) {
        checks.atLeast("--index", index, 0).atLeast("--n", n, 1).dataDirectory("--data-dir", dataDir);
    }

    /** The chosen test images, [n, 1, 32, 32] in [−1, 1]. */
    Tensor load() throws IOException {
        Dataset test = ImageDatasets.mnistFormat(dataDir, false);
        if (index < 0 || n < 1 || index + n > test.size()) {
            throw new IllegalArgumentException("--index " + index + " --n " + n + " is outside the " + test.size()
                    + " test images");
        }
        return test.batch(java.util.stream.IntStream.range(index, index + n).toArray());
    }
}
