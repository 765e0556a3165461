package org.ddpm4j.tensor;

/**
 * The checked sizes and batch strides of one {@link Backend#matmul} call. A batch stride of 0 means the operand
 * is shared by every batch entry.
 */
public record MatmulGeometry(int batch, int m, int n, int k, int strideA, int strideB, int strideC) {

    public static MatmulGeometry of(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c) {
        String op = "matmul";
        ShapeCheck.requireNonNull(op, "a", a);
        ShapeCheck.requireNonNull(op, "b", b);
        ShapeCheck.requireNonNull(op, "c", c);
        ShapeCheck.require(a.rank() == 2 || a.rank() == 3, op,
                () -> "a must be [M, K] or [B, M, K] but is " + a.shapeString());
        ShapeCheck.require(b.rank() == 2 || b.rank() == 3, op,
                () -> "b must be [K, N] or [B, K, N] but is " + b.shapeString());
        int batch = a.rank() == 3 ? a.dim(0) : 1;
        if (b.rank() == 3) {
            ShapeCheck.require(a.rank() == 3 && b.dim(0) == batch, op,
                    () -> "batch of b " + b.shapeString() + " does not match a " + a.shapeString());
        }
        int m = transA ? a.dim(-1) : a.dim(-2);
        int ka = transA ? a.dim(-2) : a.dim(-1);
        int kb = transB ? b.dim(-1) : b.dim(-2);
        int n = transB ? b.dim(-2) : b.dim(-1);
        ShapeCheck.require(ka == kb, op, () -> "inner dimensions differ: a " + a.shapeString() + (transA ? "ᵀ" : "")
                + " times b " + b.shapeString() + (transB ? "ᵀ" : ""));
        if (a.rank() == 3) {
            ShapeCheck.requireShape(op, "c", c, batch, m, n);
        } else {
            ShapeCheck.requireShape(op, "c", c, m, n);
        }
        return new MatmulGeometry(batch, m, n, ka, m * ka, b.rank() == 3 ? ka * n : 0, m * n);
    }
}
