package org.ddpm4j.tensor;

/** Shape checks of {@link Backend#linear}: x {@code [N, in]}, w {@code [out, in]}, bias {@code [out]}, y {@code [N, out]}. */
final class LinearShapes {
    private LinearShapes() {
    }

    static void check(String op, Tensor x, Tensor w, Tensor bias, Tensor y) {
        ShapeCheck.requireNonNull(op, "x", x);
        ShapeCheck.requireNonNull(op, "w", w);
        ShapeCheck.require(x.rank() == 2 && w.rank() == 2, op,
                () -> "x " + x.shapeString() + " and w " + w.shapeString() + " must be [N, in] and [out, in]");
        ShapeCheck.requireShape(op, "w", w, w.dim(0), x.dim(1));
        if (bias != null) {
            ShapeCheck.requireShape(op, "bias", bias, w.dim(0));
        }
        ShapeCheck.requireShape(op, "y", y, x.dim(0), w.dim(0));
    }
}
