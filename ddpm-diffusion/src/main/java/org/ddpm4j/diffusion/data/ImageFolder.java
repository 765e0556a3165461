package org.ddpm4j.diffusion.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * A folder of PNG/JPEG images, each centre-cropped to a square, resized to {@code size × size} (bilinear) and scaled
 * to [−1, 1], as RGB ({@code [3, size, size]}) or grayscale ({@code [1, size, size]}). Files that are not images
 * are skipped; an image that cannot be decoded (truncated, corrupt, or declaring more than {@link #MAX_PIXELS}
 * pixels) is an error naming the file.
 */
public final class ImageFolder {
    /** The most pixels an input image may declare (a 16384 × 16384 picture): enough for any photo. */
    static final long MAX_PIXELS = 1L << 28;
    private ImageFolder() {
    }

    /**
     * Loads every PNG/JPEG in {@code dir} (sorted by name; no subfolders), unlabelled.
     *
     * @param size      height = width of the result in pixels
     * @param grayscale one channel (luma) instead of three
     * @throws IOException for a missing folder, a folder without images, or an image that cannot be decoded
     */
    public static Dataset load(Path dir, int size, boolean grayscale) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
            }).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException(dir + ": no .png, .jpg or .jpeg files");
        }
        int channels = grayscale ? 1 : 3, per = channels * size * size;
        float[] data = new float[files.size() * per];
        for (int i = 0; i < files.size(); i++) {
            BufferedImage square = resizedSquare(decode(files.get(i)), size);
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int rgb = square.getRGB(x, y);
                    int r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
                    if (grayscale) {
                        // ITU-R BT.601 luma
                        data[i * per + y * size + x] = (0.299f * r + 0.587f * g + 0.114f * b) / 127.5f - 1f;
                    } else {
                        data[i * per + y * size + x] = r / 127.5f - 1f;
                        data[i * per + size * size + y * size + x] = g / 127.5f - 1f;
                        data[i * per + 2 * size * size + y * size + x] = b / 127.5f - 1f;
                    }
                }
            }
        }
        return new InMemoryDataset(data, new int[] {channels, size, size}, null, 0);
    }

    /**
     * The image in {@code file}, after checking the dimensions its header declares: a small file can declare a
     * picture that needs gigabytes to decode.
     */
    private static BufferedImage decode(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? java.util.Collections.emptyIterator()
                    : ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException(file + ": not a readable PNG or JPEG image");
            }
            ImageReader reader = readers.next();
            long w, h;
            try {
                reader.setInput(in, true, true);
                w = reader.getWidth(0);
                h = reader.getHeight(0);
                if (w * h <= MAX_PIXELS) {
                    return reader.read(0);
                }
            } catch (IOException | RuntimeException e) {
                // ImageIO's messages ("Error reading PNG image data") do not say which file.
                throw new IOException(file + ": cannot decode the image: " + e.getMessage(), e);
            } finally {
                reader.dispose();
            }
            throw new IOException(file + ": " + w + "×" + h + " pixels, more than the " + MAX_PIXELS
                    + " an input image may have");
        }
    }

    private static BufferedImage resizedSquare(BufferedImage img, int size) {
        int side = Math.min(img.getWidth(), img.getHeight());
        int x0 = (img.getWidth() - side) / 2, y0 = (img.getHeight() - side) / 2;
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(img, 0, 0, size, size, x0, y0, x0 + side, y0 + side, null);
        g.dispose();
        return out;
    }
}
