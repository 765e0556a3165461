package org.ddpm4j.tensor;

/** The checked sizes of one group-norm call over {@code [N, C, spatial...]}. */
public record GroupNormGeometry(int batch, int channels, int groups, int spatial) {

    public static GroupNormGeometry of(String op, Tensor x, Tensor gamma, Tensor beta, int groups,
                                       Tensor mean, Tensor rstd) {
        ShapeCheck.requireRank(op, "x", x, 2);
        int n = x.dim(0), c = x.dim(1);
        ShapeCheck.require(groups > 0 && c % groups == 0, op,
                () -> c + " channels of x " + x.shapeString() + " do not split into " + groups + " groups");
        if (gamma != null) {
            ShapeCheck.requireShape(op, "gamma", gamma, c);
        }
        if (beta != null) {
            ShapeCheck.requireShape(op, "beta", beta, c);
        }
        ShapeCheck.requireShape(op, "mean", mean, n, groups);
        ShapeCheck.requireShape(op, "rstd", rstd, n, groups);
        int spatial = ShapeCheck.trailingSize(x, 2);
        // A batch of no samples has no groups to normalise; a sample whose groups hold nothing has no mean.
        ShapeCheck.require(n == 0 || (long) (c / groups) * spatial > 0, op, () -> "x " + x.shapeString()
                + " has no elements in a group, whose mean and variance are then undefined");
        return new GroupNormGeometry(n, c, groups, spatial);
    }

    public int channelsPerGroup() {
        return channels / groups;
    }

    /** Elements normalised together: channels per group × spatial positions. */
    public int groupSize() {
        return channelsPerGroup() * spatial;
    }

    /** Offset of group {@code g} of sample {@code n}; a group's elements are contiguous in NCHW. */
    public int groupStart(int n, int g) {
        return (n * channels + g * channelsPerGroup()) * spatial;
    }
}
