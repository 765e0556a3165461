package org.ddpm4j.diffusion.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

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

    private Idx() {
    }

    /**
     * Reads a whole IDX file, gzip-compressed or not.
     *
     * @throws IOException naming the file and the offset for a wrong magic, impossible dimensions or truncation
     */
    public static Array read(Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b0 = raw.read(), b1 = raw.read();
            raw.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
            DataInputStream data = new DataInputStream(in);
            int magic = readInt(data, file, 0);
            if ((magic >>> 8) != 0x08 || (magic & 0xff) < 1 || (magic & 0xff) > 4) {
                throw new IOException(file + ": bad IDX magic 0x" + Integer.toHexString(magic)
                        + " at offset 0 (expected 0x0000080N: unsigned bytes, N dimensions)");
            }
            int rank = magic & 0xff;
            int[] dims = new int[rank];
            long total = 1;
            for (int i = 0; i < rank; i++) {
                dims[i] = readInt(data, file, 4 + 4L * i);
                if (dims[i] < 0) {
                    throw new IOException(file + ": negative dimension " + dims[i] + " at offset " + (4 + 4 * i));
                }
                total *= dims[i];
            }
            if (total > Integer.MAX_VALUE - 8) {
                throw new IOException(file + ": " + total + " elements are too many");
            }
            byte[] bytes = new byte[(int) total];
            long header = 4 + 4L * rank;
            int read = data.readNBytes(bytes, 0, bytes.length);
            if (read != bytes.length) {
                throw new IOException(file + ": truncated: expected " + total + " data bytes after the " + header
                        + "-byte header but the file ends after " + read);
            }
            return new Array(dims, bytes);
        }
    }

    private static int readInt(DataInputStream in, Path file, long offset) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new IOException(file + ": truncated IDX header at offset " + offset, e);
        }
    }
}
