package org.ddpm4j.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor: one {@code float[]} in row-major order plus its shape. Images are NCHW.
 *
 * <p>A tensor owns no device memory and no autograd state; ops live on a {@link Backend}. Reshaping gives a
 * view that shares the same array, so layers can reinterpret {@code [B, 3C, H, W]} as {@code [B, 3C, H*W]}
 * without copying.
 */
public final class Tensor {
    private final float[] data;
    private final int[] shape;

    private Tensor(float[] data, int[] shape) {
        this.data = data;
        this.shape = shape;
    }

    /** A new zero-filled tensor of the given shape. */
    public static Tensor zeros(int... shape) {
        return new Tensor(new float[checkedSize(shape)], shape.clone());
    }

    /** Wraps {@code data} (not copied) as a tensor of the given shape; the lengths must agree. */
    public static Tensor of(float[] data, int... shape) {
        int size = checkedSize(shape);
        if (data.length != size) {
            throw new IllegalArgumentException("Tensor.of: shape " + Arrays.toString(shape) + " holds " + size
                    + " elements but the array has " + data.length);
        }
        return new Tensor(data, shape.clone());
    }

    /** A zero tensor with the same shape as this one. */
    public Tensor zerosLike() {
        return new Tensor(new float[data.length], shape);
    }

    /** A deep copy. */
    public Tensor copy() {
        return new Tensor(data.clone(), shape);
    }

    /** A view with another shape of the same size, sharing this tensor's data. */
    public Tensor reshape(int... newShape) {
        int size = checkedSize(newShape);
        if (size != data.length) {
            throw new IllegalArgumentException("reshape: cannot view " + shapeString() + " (" + data.length
                    + " elements) as " + Arrays.toString(newShape) + " (" + size + " elements)");
        }
        return new Tensor(data, newShape.clone());
    }

    /** The backing array, row-major; writes are visible to every view. */
    public float[] data() {
        return data;
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

    public Tensor fill(float value) {
        Arrays.fill(data, value);
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
        System.arraycopy(src.data, 0, data, 0, data.length);
        return this;
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public String toString() {
        return "Tensor" + shapeString();
    }

    private static int checkedSize(int[] shape) {
        long size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            size *= d;
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has " + size
                    + " elements, more than a Java array holds");
        }
        return (int) size;
    }
}
