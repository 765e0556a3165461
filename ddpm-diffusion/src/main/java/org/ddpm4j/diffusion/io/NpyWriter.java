package org.ddpm4j.diffusion.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.ddpm4j.tensor.Tensor;

/** Writes NumPy {@code .npy} files (format 1.0, C order), as {@code numpy.save} does: samples for other tools. */
public final class NpyWriter {
    /** numpy pads the header so that the data starts at a multiple of 64 bytes. */
    private static final int ALIGNMENT = 64;

    private NpyWriter() {
    }

    /** A tensor as little-endian float32 of its shape, written atomically (a temporary file, then a rename). */
    public static void write(Path file, Tensor t) throws IOException {
        float[] v = t.toArray();
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        write(file, "<f4", t.shape(), b.array());
    }

    /**
     * Raw data of a numpy dtype ({@code descr}, e.g. {@code "<f4"} or {@code "|u1"}) and shape.
     *
     * @throws IllegalArgumentException if the data's length is not the shape's element count times the item size
     */
    public static void write(Path file, String descr, int[] shape, byte[] data) throws IOException {
        StringBuilder dims = new StringBuilder();
        long count = 1;
        for (int d : shape) {
            dims.append(d).append(", ");
            count *= d;
        }
        String tuple = shape.length == 1 ? dims.toString().strip() : dims.substring(0, Math.max(0, dims.length() - 2));
        // descr is byte order, kind, item size in bytes: '<f4', '|u1'.
        long itemSize = Long.parseLong(descr.substring(2));
        if (data.length != count * itemSize) {
            throw new IllegalArgumentException(".npy: " + data.length + " bytes do not fit shape "
                    + java.util.Arrays.toString(shape) + " of " + descr + " (" + count * itemSize + " bytes)");
        }
        StringBuilder header = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': ("
                + tuple + "), }");
        while ((10 + header.length() + 1) % ALIGNMENT != 0) {
            header.append(' ');
        }
        header.append('\n');
        byte[] h = header.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer prefix = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        prefix.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.ISO_8859_1)).put((byte) 1).put((byte) 0)
                .putShort((short) h.length);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (var out = Files.newOutputStream(tmp)) {
            out.write(prefix.array());
            out.write(h);
            out.write(data);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
