package org.ddpm4j.diffusion.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Image data sets scaled to [−1, 1] as DDPM trains on them. */
public final class ImageDatasets {
    /** Where Debian's {@code dataset-fashion-mnist} package installs the files. */
    public static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    private ImageDatasets() {
    }

    /**
     * Fashion-MNIST (or MNIST: same format) from {@code dir}: 28×28 images zero-padded to 32×32 (so a U-Net can halve
     * them three times) and scaled from {0..255} to [−1, 1], labels 0–9.
     */
    public static Dataset mnistFormat(Path dir, boolean train) throws IOException {
        String prefix = train ? "train" : "t10k";
        Path images = find(dir, prefix + "-images-idx3-ubyte"), labels = find(dir, prefix + "-labels-idx1-ubyte");
        Idx.Array img = Idx.read(images), lab = Idx.read(labels);
        if (img.dims().length != 3 || lab.dims().length != 1) {
            throw new IOException(images + " / " + labels + ": expected [N, H, W] images and [N] labels");
        }
        if (img.count() != lab.count()) {
            throw new IOException(images + " has " + img.count() + " images but " + labels + " has " + lab.count()
                    + " labels");
        }
        int n = img.count(), h = img.dims()[1], w = img.dims()[2], size = 32;
        if (h > size || w > size) {
            throw new IOException(images + ": images of " + h + "×" + w + " do not fit in " + size + "×" + size);
        }
        int top = (size - h) / 2, left = (size - w) / 2;
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = lab.data()[i] & 0xff;
            if (y[i] > 9) {
                throw new IOException(labels + ": label " + y[i] + " at index " + i + " is outside 0–9");
            }
        }
        return new PaddedByteImages(img.data(), n, h, w, size, top, left, y);
    }

    /** 8-bit images kept as bytes (a quarter of the memory of floats), padded and scaled when a batch is built. */
    private record PaddedByteImages(byte[] pixels, int count, int h, int w, int size, int top, int left, int[] labels)
            implements Dataset {
        @Override
        public int size() {
            return count;
        }

        @Override
        public int[] sampleShape() {
            return new int[] {1, size, size};
        }

        @Override
        public void copySample(int index, float[] dst, int offset) {
            java.util.Arrays.fill(dst, offset, offset + size * size, -1f);
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) {
                    int v = pixels[(index * h + r) * w + c] & 0xff;
                    dst[offset + (r + top) * size + c + left] = v / 127.5f - 1f;
                }
            }
        }

        @Override
        public int label(int index) {
            return labels[index];
        }

        @Override
        public int numClasses() {
            return 10;
        }
    }

    private static Path find(Path dir, String base) throws IOException {
        for (String name : new String[] {base + ".gz", base}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IOException("no " + base + "[.gz] in " + dir + " (Debian: apt-get install dataset-fashion-mnist)");
    }
}
