package org.ddpm4j.tensor;

import java.util.Arrays;
import java.util.function.Supplier;

/** Argument checks shared by the backends; every failure names the op, the argument and both shapes. */
public final class ShapeCheck {
    private ShapeCheck() {
    }

    public static void requireShape(String op, String name, Tensor t, int... expected) {
        requireNonNull(op, name, t);
        if (!t.hasShape(expected)) {
            throw new IllegalArgumentException(op + ": " + name + " expected shape " + Arrays.toString(expected)
                    + " but was " + t.shapeString());
        }
    }

    public static void requireRank(String op, String name, Tensor t, int minRank) {
        requireNonNull(op, name, t);
        if (t.rank() < minRank) {
            throw new IllegalArgumentException(op + ": " + name + " needs at least " + minRank
                    + " dimensions but has shape " + t.shapeString());
        }
    }

    public static void requireSameShape(String op, String nameA, Tensor a, String nameB, Tensor b) {
        requireNonNull(op, nameA, a);
        requireNonNull(op, nameB, b);
        if (!a.sameShape(b)) {
            throw new IllegalArgumentException(op + ": " + nameB + " " + b.shapeString() + " must have the shape of "
                    + nameA + " " + a.shapeString());
        }
    }

    public static void requireNonNull(String op, String name, Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null");
        }
    }

    public static void require(boolean condition, String op, String message) {
        if (!condition) {
            throw new IllegalArgumentException(op + ": " + message);
        }
    }

    /** {@link #require(boolean, String, String)} with the message built only on failure (ops check on every call). */
    public static void require(boolean condition, String op, Supplier<String> message) {
        if (!condition) {
            throw new IllegalArgumentException(op + ": " + message.get());
        }
    }

    /** Product of the dimensions from {@code from} (inclusive) to the end: the spatial size of an NC… tensor. */
    public static int trailingSize(Tensor t, int from) {
        int size = 1;
        for (int i = from; i < t.rank(); i++) {
            size *= t.dim(i);
        }
        return size;
    }
}
