package org.ddpm4j.diffusion.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ddpm4j.tensor.Tensor;

/**
 * Images from a NumPy {@code .npy} file (format version 1–3), as written by {@code numpy.save}: a batch of
 * grayscale or RGB images, {@code [N, H, W]}, {@code [N, C, H, W]} or {@code [N, H, W, C]} with C = 1 or 3, either
 * {@code uint8} pixels (0–255) or float32/float64 values on the model's [−1, 1] scale. The result is
 * {@code [N, C, H, W]} in [−1, 1]. Lets samples made elsewhere (PyTorch, diffusers) go through ddpm4j's evaluator.
 */
public final class NpyImages {
    /** The largest header numpy writes is far below this; a larger one is a corrupt or hostile file. */
    private static final int MAX_HEADER = 1 << 16;
    /** Float values may exceed [−1, 1] by rounding, not by a different scale. */
    private static final double RANGE_SLACK = 1e-3;
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyImages() {
    }

    /**
     * Reads the images of {@code file}.
     *
     * @throws IOException naming the file and what is wrong: not .npy, an unsupported dtype or layout, a shape that is
     *                     not a batch of images, data shorter or longer than the shape, floats outside [−1, 1]
     */
    public static Tensor read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer head = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, head, file, "the header");
            head.flip();
            for (byte b : MAGIC) {
                if (head.get() != b) {
                    throw new IOException(file + ": not a .npy file (no \\x93NUMPY magic)");
                }
            }
            int major = head.get();
            head.get();
            long headerLength;
            int prefix;
            if (major == 1) {
                headerLength = head.getShort() & 0xffff;
                prefix = 10;
            } else if (major == 2 || major == 3) {
                headerLength = head.getInt() & 0xffffffffL;
                prefix = 12;
            } else {
                throw new IOException(file + ": .npy format version " + major + " is not supported (1-3 are)");
            }
            if (headerLength > MAX_HEADER || prefix + headerLength > size) {
                throw new IOException(file + ": header length " + headerLength + " at offset 8 is beyond the file ("
                        + size + " bytes) or the " + MAX_HEADER + "-byte limit");
            }
            ByteBuffer text = ByteBuffer.allocate((int) headerLength);
            ch.position(prefix);
            readFully(ch, text, file, "the header");
            String header = new String(text.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            String descr = field(DESCR, header, "descr", file);
            if ("True".equals(field(FORTRAN, header, "fortran_order", file))) {
                throw new IOException(file + ": Fortran-ordered arrays are not supported; save a C-ordered array "
                        + "(numpy.ascontiguousarray)");
            }
            int[] shape = shape(field(SHAPE, header, "shape", file), file);
            int itemSize = switch (descr) {
                case "|u1", "<u1", "u1" -> 1;
                case "<f4" -> 4;
                case "<f8" -> 8;
                default -> throw new IOException(file + ": dtype '" + descr + "' is not supported (uint8, "
                        + "little-endian float32 or float64 are)");
            };
            int[] nchw = layout(shape, file);
            long count = (long) nchw[0] * nchw[1] * nchw[2] * nchw[3];
            long dataStart = prefix + headerLength, expected = count * itemSize;
            if (count > Integer.MAX_VALUE - 8 || size - dataStart != expected) {
                throw new IOException(file + ": shape " + java.util.Arrays.toString(shape) + " of " + descr + " needs "
                        + expected + " bytes of data after offset " + dataStart + ", the file has " + (size - dataStart));
            }
            ByteBuffer data = ByteBuffer.allocate((int) expected).order(ByteOrder.LITTLE_ENDIAN);
            ch.position(dataStart);
            readFully(ch, data, file, "the data");
            data.flip();
            return toImages(data, itemSize, shape, nchw, file);
        }
    }

    private static Tensor toImages(ByteBuffer data, int itemSize, int[] shape, int[] nchw, Path file) throws IOException {
        int n = nchw[0], c = nchw[1], h = nchw[2], w = nchw[3];
        boolean channelsLast = shape.length == 4 && shape[3] == c && shape[1] != c;
        float[] out = new float[n * c * h * w];
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < out.length; i++) {
            double v = switch (itemSize) {
                case 1 -> (data.get() & 0xff) / 127.5 - 1;
                case 4 -> data.getFloat();
                default -> data.getDouble();
            };
            min = Math.min(min, v);
            max = Math.max(max, v);
            if (Double.isNaN(v)) {
                throw new IOException(file + ": element " + i + " is NaN");
            }
            int target = i;
            if (channelsLast) {
                int pixel = i / c, channel = i % c, img = pixel / (h * w), within = pixel % (h * w);
                target = (img * c + channel) * h * w + within;
            }
            out[target] = (float) Math.max(-1, Math.min(1, v));
        }
        if (itemSize > 1 && (min < -1 - RANGE_SLACK || max > 1 + RANGE_SLACK)) {
            throw new IOException(file + ": float images must be on the [-1, 1] scale, found values from " + min
                    + " to " + max + (min >= 0 ? " (for 0-255 pixels save uint8, or x / 127.5 - 1)" : ""));
        }
        return Tensor.of(out, n, c, h, w);
    }

    /** [N, C, H, W] of a batch of images in any of the accepted layouts. */
    private static int[] layout(int[] shape, Path file) throws IOException {
        String given = java.util.Arrays.toString(shape);
        if (shape.length == 3) {
            return new int[] {shape[0], 1, shape[1], shape[2]};
        }
        if (shape.length == 4 && (shape[1] == 1 || shape[1] == 3)) {
            return shape.clone();
        }
        if (shape.length == 4 && (shape[3] == 1 || shape[3] == 3)) {
            return new int[] {shape[0], shape[3], shape[1], shape[2]};
        }
        throw new IOException(file + ": shape " + given + " is not a batch of images ([N, H, W], [N, C, H, W] or "
                + "[N, H, W, C] with C = 1 or 3)");
    }

    private static int[] shape(String tuple, Path file) throws IOException {
        String[] parts = tuple.split(",");
        java.util.List<Integer> dims = new java.util.ArrayList<>();
        for (String p : parts) {
            String d = p.trim();
            if (d.isEmpty()) {
                continue;
            }
            try {
                int v = Integer.parseInt(d.endsWith("L") ? d.substring(0, d.length() - 1) : d);
                if (v < 1) {
                    throw new IOException(file + ": shape (" + tuple + ") has a dimension below 1");
                }
                dims.add(v);
            } catch (NumberFormatException e) {
                throw new IOException(file + ": shape (" + tuple + ") is not a tuple of sizes", e);
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String field(Pattern p, String header, String name, Path file) throws IOException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IOException(file + ": the .npy header has no '" + name + "': " + header.strip());
        }
        return m.group(1);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, Path file, String what) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw new IOException(file + ": ends inside " + what + " (" + ch.size() + " bytes)");
            }
        }
    }
}
