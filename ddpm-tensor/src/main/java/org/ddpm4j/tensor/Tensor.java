package org.ddpm4j.tensor;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A dense float32 tensor: its values in row-major order plus its shape. Images are NCHW.
 *
 * <p>A tensor has no autograd state; ops live on a {@link Backend}, which may keep the values on a device. Code
 * outside a backend reaches the values only through copies: {@link #toArray} reads them, {@link #copyFrom(float[])}
 * replaces them, {@link #update} edits them. No method hands out the array itself, so keeping an array across an op
 * (which would read stale values on a device backend and current ones on a host backend) cannot happen: a copy never
 * changes the tensor, on every backend. Reshaping gives a view that shares the same values, so layers can
 * reinterpret {@code [B, 3C, H, W]} as {@code [B, 3C, H*W]} without copying.
 */
public final class Tensor {
    /** The most elements a tensor holds: the largest Java array the JVMs we run on allocate. */
    public static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    final Storage storage;
    private final int[] shape;

    /**
     * The values shared by a tensor and its views, and who else holds them: the device backend with a copy (at most
     * one), whether the host array is known to hold only zeros, whether zeros are still to be written into it, and how
     * many {@link #update}s have them open.
     */
    static final class Storage {
        private final float[] array;
        private volatile boolean knownZero;
        /**
         * The values are zeros that the array does not hold yet: {@link Tensor#zero} leaves the writing to the first
         * reader, so that an op which overwrites a zeroed gradient buffer anyway ({@link TensorArrays#takePendingZeros})
         * saves a pass over memory, and one that adds into it can write the zeros on all its threads.
         */
        private volatile boolean zerosPending;
        private volatile DeviceHolder holder;
        private volatile int openUpdates;

        Storage(float[] array, boolean knownZero) {
            this.array = array;
            this.knownZero = knownZero;
        }

        /** The array with current values, for reading on the host; a device copy stays valid. */
        private float[] read() {
            DeviceHolder h = holder;
            if (h != null) {
                h.toHost(array);
            }
            writePendingZeros();
            return array;
        }

        /**
         * The host replaces every value: a device copy becomes stale without being fetched. Zeros are only recorded
         * (the array is written by its first reader); any other values must be written by the caller.
         */
        private float[] overwrite(boolean zeros) {
            DeviceHolder h = holder;
            if (h != null) {
                h.overwrittenOnHost(array, zeros);
            }
            if (knownZero != zeros) {
                knownZero = zeros;
            }
            if (zerosPending != zeros) {
                zerosPending = zeros;
            }
            return array;
        }

        /**
         * Writes zeros that are still pending. Locked, so that of several threads reaching a zeroed tensor in one op
         * the first writes the zeros and the others wait for them before they write their own parts.
         */
        private void writePendingZeros() {
            if (zerosPending) {
                synchronized (this) {
                    if (zerosPending) {
                        Arrays.fill(array, 0f);
                        zerosPending = false;
                    }
                }
            }
        }

        /** Whether zeros were pending; they are no longer, and whoever asked writes every value (see TensorArrays). */
        synchronized boolean takePendingZeros() {
            if (zerosPending) {
                zerosPending = false;
                return true;
            }
            return false;
        }

        float[] forHostBackend(Tensor t) {
            requireClosed(t);
            writePendingZeros();
            DeviceHolder h = holder;
            if (h != null) {
                h.giveBack(array);
                holder = null;
            }
            // Read before writing: worker threads reach shared tensors, and a write each time would make their cores
            // fight over the flag's cache line.
            if (knownZero) {
                knownZero = false;
            }
            return array;
        }

        float[] forDevice(Tensor t, DeviceHolder device) {
            requireClosed(t);
            // A device copy that matches the host's (after a cleared buffer) must match real zeros.
            writePendingZeros();
            DeviceHolder h = holder;
            if (h != device) {
                if (h != null) {
                    h.giveBack(array);
                }
                holder = device;
            }
            return array;
        }

        boolean takeKnownZero() {
            if (knownZero) {
                knownZero = false;
                return true;
            }
            return false;
        }

        private void requireClosed(Tensor t) {
            if (openUpdates > 0) {
                throw new IllegalStateException("tensor " + t.shapeString() + " is open in Tensor.update: an op "
                        + "cannot use it until the update returns (its result would be overwritten)");
            }
        }

        private synchronized void open() {
            openUpdates++;
        }

        private synchronized void close() {
            openUpdates--;
        }
    }

    private Tensor(Storage storage, int[] shape) {
        this.storage = storage;
        this.shape = shape;
    }

    /** A new zero-filled tensor of the given shape. */
    public static Tensor zeros(int... shape) {
        return new Tensor(new Storage(new float[checkedSize(shape)], true), shape.clone());
    }

    /** A tensor of the given shape holding a copy of {@code values}; the lengths must agree. */
    public static Tensor of(float[] values, int... shape) {
        int size = checkedSize(shape);
        if (values.length != size) {
            throw new IllegalArgumentException("Tensor.of: shape " + Arrays.toString(shape) + " holds " + size
                    + " elements but the array has " + values.length);
        }
        return new Tensor(new Storage(values.clone(), false), shape.clone());
    }

    /** A zero tensor with the same shape as this one. */
    public Tensor zerosLike() {
        return new Tensor(new Storage(new float[size()], true), shape);
    }

    /** A deep copy (made on the host). */
    public Tensor copy() {
        return new Tensor(new Storage(storage.read().clone(), false), shape);
    }

    /** A view with another shape of the same size, sharing this tensor's values. */
    public Tensor reshape(int... newShape) {
        int size = checkedSize(newShape);
        if (size != size()) {
            throw new IllegalArgumentException("reshape: cannot view " + shapeString() + " (" + size()
                    + " elements) as " + Arrays.toString(newShape) + " (" + size + " elements)");
        }
        return new Tensor(storage, newShape.clone());
    }

    /** A copy of the values, row-major. Writing to it never changes the tensor. */
    public float[] toArray() {
        return storage.read().clone();
    }

    /** The value at flat (row-major) {@code index}. */
    public float get(int index) {
        Objects.checkIndex(index, size());
        return storage.read()[index];
    }

    /** Sets the value at flat (row-major) {@code index}. */
    public Tensor set(int index, float value) {
        Objects.checkIndex(index, size());
        storage.read();
        storage.overwrite(false)[index] = value;
        return this;
    }

    /** Replaces every value with {@code values} (copied), which must hold {@link #size()} elements. */
    public Tensor copyFrom(float[] values) {
        if (values.length != size()) {
            throw new IllegalArgumentException("copyFrom: " + values.length + " values into " + shapeString()
                    + " (" + size() + " elements)");
        }
        System.arraycopy(values, 0, storage.overwrite(false), 0, values.length);
        return this;
    }

    /**
     * Edits the values on the host: {@code edit} gets a copy of them, row-major, and what it leaves there replaces
     * them when it returns (nothing changes if it throws). While it runs, every op refuses this tensor and its views.
     */
    public Tensor update(Consumer<float[]> edit) {
        float[] values = toArray();
        storage.open();
        try {
            edit.accept(values);
        } finally {
            storage.close();
        }
        return copyFrom(values);
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
        return storage.array.length;
    }

    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    public boolean sameShape(Tensor other) {
        return Arrays.equals(shape, other.shape);
    }

    /**
     * Sets every element to {@code value}; a device copy is not fetched first, since every value is replaced. Zeros
     * (+0) are written when the values are next used, by the op that uses them where it can.
     */
    public Tensor fill(float value) {
        boolean zeros = Float.floatToRawIntBits(value) == 0;
        float[] array = storage.overwrite(zeros);
        if (!zeros) {
            Arrays.fill(array, value);
        }
        return this;
    }

    public Tensor zero() {
        return fill(0f);
    }

    /** Copies {@code src}'s values into this tensor (on the host); the sizes must match. */
    public Tensor copyFrom(Tensor src) {
        if (src.size() != size()) {
            throw new IllegalArgumentException("copyFrom: " + src.shapeString() + " into " + shapeString());
        }
        float[] from = src.storage.read();
        System.arraycopy(from, 0, storage.overwrite(false), 0, from.length);
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
