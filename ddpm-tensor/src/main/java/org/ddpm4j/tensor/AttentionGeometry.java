package org.ddpm4j.tensor;

/**
 * The checked sizes of one attention call: qkv {@code [B, 3C, T...]}, out {@code [B, C, T...]}, probs {@code [B, T, T]}.
 */
public record AttentionGeometry(int batch, int channels, int positions) {

    public static AttentionGeometry of(String op, Tensor qkv, Tensor out, Tensor probs) {
        ShapeCheck.requireRank(op, "qkv", qkv, 3);
        ShapeCheck.require(qkv.dim(1) % 3 == 0, op, "qkv " + qkv.shapeString()
                + " must have 3·C channels (queries, keys, values)");
        int b = qkv.dim(0), c = qkv.dim(1) / 3, t = ShapeCheck.trailingSize(qkv, 2);
        ShapeCheck.requireNonNull(op, "out", out);
        ShapeCheck.require(out.rank() == qkv.rank() && out.dim(0) == b && out.dim(1) == c
                        && ShapeCheck.trailingSize(out, 2) == t, op,
                "out " + out.shapeString() + " must be [B, C, T] for qkv " + qkv.shapeString());
        ShapeCheck.requireShape(op, "probs", probs, b, t, t);
        return new AttentionGeometry(b, c, t);
    }

    public int queryOffset(int b) {
        return b * 3 * channels * positions;
    }

    public int keyOffset(int b) {
        return queryOffset(b) + channels * positions;
    }

    public int valueOffset(int b) {
        return queryOffset(b) + 2 * channels * positions;
    }

    /** Nominal flops of QᵀK and P·V (2 per MAC), without the 1×1 convolutions around the block. */
    public double forwardFlops() {
        return 4.0 * batch * (double) positions * positions * channels;
    }
}
