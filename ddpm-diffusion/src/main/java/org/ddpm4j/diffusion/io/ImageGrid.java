package org.ddpm4j.diffusion.io;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.ddpm4j.tensor.NonFiniteException;
import org.ddpm4j.tensor.Tensor;

/** Writes a batch of images {@code [B, C, H, W]} with values in [−1, 1] as one PNG grid (C = 1 or 3). */
public final class ImageGrid {
    private static final int GAP = 2;

    private ImageGrid() {
    }

    /** [−1, 1] to 0..255, clamped. */
    private static int level(float v) {
        return Math.round(Math.max(0f, Math.min(255f, (v + 1f) * 127.5f)));
    }

    /**
     * Writes the images row by row, {@code columns} per row, as one PNG.
     *
     * @throws NonFiniteException when a pixel is NaN or infinite (samples of a diverged model), instead of writing
     *                            them as black or white
     */
    public static void write(Path file, Tensor images, int columns) throws IOException {
        if (images.rank() != 4 || (images.dim(1) != 1 && images.dim(1) != 3)) {
            throw new IllegalArgumentException("image grid: need [B, 1 or 3, H, W] but got " + images.shapeString());
        }
        NonFiniteException.requireFinite(images, "image grid " + file + " not written: the images (the model or "
                + "its checkpoint may have diverged)");
        int b = images.dim(0), c = images.dim(1), h = images.dim(2), w = images.dim(3);
        int cols = Math.max(1, Math.min(columns, b)), rows = (b + cols - 1) / cols;
        BufferedImage img = new BufferedImage(cols * (w + GAP) + GAP, rows * (h + GAP) + GAP, BufferedImage.TYPE_INT_RGB);
        float[] d = images.toArray();
        for (int n = 0; n < b; n++) {
            int x0 = GAP + (n % cols) * (w + GAP), y0 = GAP + (n / cols) * (h + GAP);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int r = level(d[((n * c) * h + y) * w + x]);
                    int g = c == 1 ? r : level(d[((n * c + 1) * h + y) * w + x]);
                    int bl = c == 1 ? r : level(d[((n * c + 2) * h + y) * w + x]);
                    img.setRGB(x0 + x, y0 + y, (r << 16) | (g << 8) | bl);
                }
            }
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer available for " + file);
        }
    }
}
