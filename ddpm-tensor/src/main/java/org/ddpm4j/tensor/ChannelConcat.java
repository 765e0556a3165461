package org.ddpm4j.tensor;

/**
 * The checked sizes of a channel concatenation {@code out = [a, b]} along dimension 1. Either part may be null
 * in a backward call (no gradient wanted); its size then follows from the other part and {@code out}.
 */
public record ChannelConcat(int batch, int sizeA, int sizeB) {

    public static ChannelConcat of(String op, Tensor a, Tensor b, Tensor out) {
        ShapeCheck.requireRank(op, "out", out, 2);
        ShapeCheck.require(a != null || b != null, op, "both parts are null");
        int n = out.dim(0), spatial = ShapeCheck.trailingSize(out, 2);
        int ca = a != null ? checkPart(op, "a", a, out) : out.dim(1) - b.dim(1);
        int cb = b != null ? checkPart(op, "b", b, out) : out.dim(1) - ca;
        ShapeCheck.require(ca + cb == out.dim(1) && ca >= 0 && cb >= 0, op, () -> "channels " + ca + " + " + cb
                + " do not add up to the " + out.dim(1) + " of " + out.shapeString());
        return new ChannelConcat(n, ca * spatial, cb * spatial);
    }

    private static int checkPart(String op, String name, Tensor part, Tensor out) {
        ShapeCheck.require(part.rank() == out.rank() && part.dim(0) == out.dim(0)
                        && ShapeCheck.trailingSize(part, 2) == ShapeCheck.trailingSize(out, 2), op,
                () -> name + " " + part.shapeString() + " does not match out " + out.shapeString()
                        + " outside channels");
        return part.dim(1);
    }

    /** Elements per sample in out. */
    public int sizeOut() {
        return sizeA + sizeB;
    }
}
