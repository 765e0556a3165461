package org.ddpm4j.tensor;

/**
 * The checked sizes of one {@link Backend#conv2d} call, so that every backend validates arguments the same way.
 */
public record ConvGeometry(int batch, int inChannels, int height, int width, int outChannels, int outHeight,
                           int outWidth, Conv2dSpec spec) {

    /** Validates x, w, the optional bias and y against each other and the spec. */
    public static ConvGeometry of(String op, Tensor x, Tensor w, Tensor bias, Conv2dSpec spec, Tensor y) {
        ShapeCheck.requireRank(op, "x", x, 4);
        ShapeCheck.requireRank(op, "w", w, 4);
        ShapeCheck.require(x.rank() == 4 && w.rank() == 4, op, () -> "x " + x.shapeString() + " and w "
                + w.shapeString() + " must be [N, Cin, H, W] and [Cout, Cin, k, k]");
        int n = x.dim(0), cin = x.dim(1), h = x.dim(2), wd = x.dim(3), cout = w.dim(0);
        ShapeCheck.requireShape(op, "w", w, cout, cin, spec.kernel(), spec.kernel());
        if (bias != null) {
            ShapeCheck.requireShape(op, "bias", bias, cout);
        }
        int ho = spec.outSize(h), wo = spec.outSize(wd);
        ShapeCheck.requireShape(op, "y", y, n, cout, ho, wo);
        return new ConvGeometry(n, cin, h, wd, cout, ho, wo, spec);
    }

    /** Rows of the unrolled input (im2col): Cin·k·k, the inner dimension of the convolution as a GEMM. */
    public int patchSize() {
        return inChannels * spec.kernel() * spec.kernel();
    }

    public int inPlane() {
        return height * width;
    }

    public int outPlane() {
        return outHeight * outWidth;
    }

    /** Nominal multiply-add flops of the forward pass (2 per MAC). */
    public double forwardFlops() {
        return 2.0 * batch * outChannels * outPlane() * (double) patchSize();
    }
}
