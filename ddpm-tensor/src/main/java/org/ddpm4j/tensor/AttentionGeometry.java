package org.ddpm4j.tensor;

/**
 * The checked sizes of one attention call: q, k, v and out {@code [B, C, T...]}, probs {@code [B, T, T]}.
 */
public record AttentionGeometry(int batch, int channels, int positions) {

    public static AttentionGeometry of(String op, Tensor q, Tensor k, Tensor v, Tensor out, Tensor probs) {
        ShapeCheck.requireRank(op, "q", q, 3);
        ShapeCheck.requireSameShape(op, "q", q, "k", k);
        ShapeCheck.requireSameShape(op, "q", q, "v", v);
        ShapeCheck.requireSameShape(op, "q", q, "out", out);
        int b = q.dim(0), c = q.dim(1), t = ShapeCheck.trailingSize(q, 2);
        ShapeCheck.requireShape(op, "probs", probs, b, t, t);
        ShapeCheck.require(c > 0 || (long) b * t == 0, op, () -> "q " + q.shapeString()
                + " has no channels, so the scores' scale 1/√C is undefined");
        return new AttentionGeometry(b, c, t);
    }

    /** Where image {@code b} starts in q, k, v and out. */
    public int offset(int b) {
        return b * channels * positions;
    }

    /** Nominal flops of QᵀK and P·V (2 per MAC), without the 1×1 convolutions around the block. */
    public double forwardFlops() {
        return 4.0 * batch * (double) positions * positions * channels;
    }
}
