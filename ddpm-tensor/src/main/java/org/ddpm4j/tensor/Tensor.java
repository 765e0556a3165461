package org.ddpm4j.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor: one {@code float[]} in row-major order plus its shape. Images are NCHW.
 *
 * <p>A tensor owns no device memory and no autograd state; ops live on a {@link Backend}. Reshaping gives a
 * view that shares the same array, so layers can reinterpret {@code [B, 3C, H, W]} as {@code [B, 3C, H*W]}
 * without copying. A device backend may hold a newer copy of the array; every method here that touches the values
 * first brings it back (see {@link DeviceCopies}).
 */
public final class Tensor {
    /** The most elements a tensor holds: the largest Java array the JVMs we run on allocate. */
    public static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    private final float[] data;
    /** Shared with every view: whether the host array is known to hold only zeros (see {@link #takeKnownZero}). */
    private final ZeroFlag zeroFlag;
    private final int[] shape;

    /** A mutable flag shared by a tensor and its views, which share one array. */
    private static final class ZeroFlag {
        volatile boolean known;

        ZeroFlag(boolean known) {
            this.known = known;
        }
    }

    private Tensor(float[] data, ZeroFlag zeroFlag, int[] shape) {
        this.data = data;
        this.zeroFlag = zeroFlag;
        this.shape = shape;
    }

    /** A new zero-filled tensor of the given shape. */
    public static Tensor zeros(int... shape) {
        return new Tensor(new float[checkedSize(shape)], new ZeroFlag(true), shape.clone());
    }

    /** Wraps {@code data} (not copied) as a tensor of the given shape; the lengths must agree. */
    public static Tensor of(float[] data, int... shape) {
        int size = checkedSize(shape);
        if (data.length != size) {
            throw new IllegalArgumentException("Tensor.of: shape " + Arrays.toString(shape) + " holds " + size
                    + " elements but the array has " + data.length);
        }
        return new Tensor(data, new ZeroFlag(false), shape.clone());
    }

    /** A zero tensor with the same shape as this one. */
    public Tensor zerosLike() {
        return new Tensor(new float[data.length], new ZeroFlag(true), shape);
    }

    /** A deep copy. */
    public Tensor copy() {
        return new Tensor(data().clone(), new ZeroFlag(false), shape);
    }

    /** A view with another shape of the same size, sharing this tensor's data. */
    public Tensor reshape(int... newShape) {
        int size = checkedSize(newShape);
        if (size != data.length) {
            throw new IllegalArgumentException("reshape: cannot view " + shapeString() + " (" + data.length
                    + " elements) as " + Arrays.toString(newShape) + " (" + size + " elements)");
        }
        return new Tensor(data, zeroFlag, newShape.clone());
    }

    /**
     * The backing array, row-major; writes are visible to every view. If a device backend holds a newer copy, it is
     * copied back first, and the backend treats the host array as newer from then on: read and write it freely
     * between ops, but call {@code data()} again after an op rather than keeping the array across one.
     */
    public float[] data() {
        DeviceCopies.hostAccess(data);
        // Read before writing: worker threads call data() on shared tensors, and a write each time would make
        // their cores fight over the flag's cache line (measured: 2 threads ran the swiss-roll MLP 2.5× slower).
        if (zeroFlag.known) {
            zeroFlag.known = false;
        }
        return data;
    }

    /** The array without any device synchronisation, for {@link DeviceCopies#storage}. */
    float[] storage() {
        return data;
    }

    /**
     * True once if the array is known to hold only zeros (a new tensor, or one just zeroed, that nobody has had the
     * array of since): a device backend can then clear its copy on the device instead of uploading zeros. The
     * flag is cleared, since the device may write the array next.
     */
    boolean takeKnownZero() {
        if (zeroFlag.known) {
            zeroFlag.known = false;
            return true;
        }
        return false;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code i}; negative {@code i} counts from the end. */
    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    /** Number of elements. */
    public int size() {
        return data.length;
    }

    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    public boolean sameShape(Tensor other) {
        return Arrays.equals(shape, other.shape);
    }

    /** Sets every element to {@code value}; a device copy is not fetched first, since every value is replaced. */
    public Tensor fill(float value) {
        boolean zeros = Float.floatToRawIntBits(value) == 0;
        DeviceCopies.hostOverwrite(data, zeros);
        Arrays.fill(data, value);
        zeroFlag.known = zeros;
        return this;
    }

    public Tensor zero() {
        return fill(0f);
    }

    /** Copies {@code src}'s values into this tensor; the sizes must match. */
    public Tensor copyFrom(Tensor src) {
        if (src.size() != size()) {
            throw new IllegalArgumentException("copyFrom: " + src.shapeString() + " into " + shapeString());
        }
        float[] from = src.data();
        DeviceCopies.hostOverwrite(data, false);
        zeroFlag.known = false;
        System.arraycopy(from, 0, data, 0, data.length);
        return this;
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public String toString() {
        return "Tensor" + shapeString();
    }

    /**
     * The number of elements of {@code shape}, saturating at {@link Long#MAX_VALUE} instead of wrapping: a 64-bit
     * product of declared dimensions (from a file) can wrap to a small number, even 0, and pass a size check.
     *
     * @throws IllegalArgumentException for a negative dimension
     */
    public static long elementCount(int[] shape) {
        long size = 1;
        boolean empty = false;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            empty |= d == 0;
            size = d != 0 && size > Long.MAX_VALUE / d ? Long.MAX_VALUE : size * d;
        }
        return empty ? 0 : size;
    }

    private static int checkedSize(int[] shape) {
        long size = elementCount(shape);
        if (size > MAX_ELEMENTS) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has "
                    + (size == Long.MAX_VALUE ? "more than 2^63" : Long.toString(size))
                    + " elements, more than a Java array holds");
        }
        return (int) size;
    }
}
