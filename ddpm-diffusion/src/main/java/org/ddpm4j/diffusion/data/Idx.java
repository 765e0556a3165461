package org.ddpm4j.diffusion.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.ddpm4j.tensor.Tensor;

/**
 * Reader of the IDX format of MNIST and Fashion-MNIST (gzip-compressed or not, detected by content): a big-endian
 * magic {@code 0x000008NN} where 08 means unsigned bytes and NN the number of dimensions, the dimensions, then the
 * bytes. Wrong magic, impossible dimensions and truncation give an {@link IOException} naming the file and offset.
 */
public final class Idx {
    /** An IDX array of unsigned bytes. */
    public record Array(int[] dims, byte[] data) {
        /** The first dimension: the number of images or labels. */
        public int count() {
            return dims[0];
        }
    }

    /** The first buffer of a read whose size is not known in advance; it doubles as data arrives. */
    private static final int FIRST_CHUNK = 1 << 20;

    private Idx() {
    }

    /**
     * Reads a whole IDX file, gzip-compressed or not. The declared size is checked before anything is allocated:
     * against the file's length when it is not compressed; when it is, the buffer grows only as data arrives.
     *
     * @throws IOException naming the file and the offset for a wrong magic, impossible dimensions, truncation, bytes
     *                     after the data, or corrupt gzip data
     */
    public static Array read(Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b0 = raw.read(), b1 = raw.read();
            raw.reset();
            boolean gzip = b0 == 0x1f && b1 == 0x8b;
            try {
                return read(gzip ? new GZIPInputStream(raw, 1 << 16) : raw, gzip ? -1 : Files.size(file), file);
            } catch (ZipException | EOFException e) {
                throw new IOException(file + ": corrupt gzip data: " + e.getMessage(), e);
            }
        }
    }

    /** {@code length}: the bytes {@code in} holds, or -1 when unknown (compressed). */
    private static Array read(InputStream in, long length, Path file) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int magic = readInt(data, file, 0);
        if ((magic >>> 8) != 0x08 || (magic & 0xff) < 1 || (magic & 0xff) > 4) {
            throw new IOException(file + ": bad IDX magic 0x" + Integer.toHexString(magic)
                    + " at offset 0 (expected 0x0000080N: unsigned bytes, N dimensions)");
        }
        int rank = magic & 0xff;
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = readInt(data, file, 4 + 4L * i);
            if (dims[i] < 0) {
                throw new IOException(file + ": negative dimension " + dims[i] + " at offset " + (4 + 4 * i));
            }
        }
        long total = Tensor.elementCount(dims), header = 4 + 4L * rank;
        if (total > Tensor.MAX_ELEMENTS) {
            throw new IOException(file + ": dimensions " + Arrays.toString(dims) + " declare more elements than an "
                    + "array holds");
        }
        if (length >= 0 && length != header + total) {
            throw new IOException(file + ": dimensions " + Arrays.toString(dims) + " declare " + total + " data bytes "
                    + "after the " + header + "-byte header, but the file has " + (length - header)
                    + (length < header + total ? " (truncated)" : " (bytes after the data)"));
        }
        byte[] bytes = readAtMost(data, (int) total);
        if (bytes.length != total) {
            throw new IOException(file + ": truncated: expected " + total + " data bytes after the " + header
                    + "-byte header but the data ends after " + bytes.length);
        }
        if (data.read() != -1) {
            throw new IOException(file + ": bytes after the " + total + " data bytes declared by dimensions "
                    + Arrays.toString(dims));
        }
        return new Array(dims, bytes);
    }

    /**
     * Up to {@code n} bytes, in a buffer that grows with what arrives: a compressed file's header can declare
     * gigabytes that its data never holds.
     */
    private static byte[] readAtMost(InputStream in, int n) throws IOException {
        byte[] buf = new byte[Math.min(n, FIRST_CHUNK)];
        int filled = 0;
        while (filled < n) {
            if (filled == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
            }
            int got = in.readNBytes(buf, filled, buf.length - filled);
            if (got == 0) {
                break;
            }
            filled += got;
        }
        return filled == buf.length ? buf : Arrays.copyOf(buf, filled);
    }

    private static int readInt(DataInputStream in, Path file, long offset) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new IOException(file + ": truncated IDX header at offset " + offset, e);
        }
    }
}
