package org.ddpm4j.tensor;

/** The checked sizes of a per-channel vector broadcast over {@code x [N, C, spatial...]}: v is {@code [C]} or {@code [N, C]}. */
public record ChannelVector(int batch, int channels, int spatial, boolean perSample) {

    public static ChannelVector of(String op, Tensor x, Tensor v) {
        ShapeCheck.requireRank(op, "x", x, 2);
        ShapeCheck.requireNonNull(op, "v", v);
        int n = x.dim(0), c = x.dim(1);
        boolean perSample = v.hasShape(n, c);
        ShapeCheck.require(perSample || v.hasShape(c), op,
                () -> "vector " + v.shapeString() + " must be [" + c + "] or [" + n + ", " + c + "] for x "
                        + x.shapeString());
        return new ChannelVector(n, c, ShapeCheck.trailingSize(x, 2), perSample);
    }

    public int vectorIndex(int n, int c) {
        return perSample ? n * channels + c : c;
    }
}
