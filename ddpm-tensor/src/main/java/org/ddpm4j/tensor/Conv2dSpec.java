package org.ddpm4j.tensor;

/**
 * Geometry of a square 2-D convolution: kernel size, stride and zero padding. Padding is the same on the top and left
 * ({@code padding}) and on the bottom and right ({@code paddingEnd}); most convolutions pad both alike, but
 * TensorFlow's {@code SAME} at stride 2 (DDPM's original downsampling, and diffusers' {@code downsample_padding=0})
 * pads only after the image, which samples a grid shifted by one pixel from symmetric padding.
 *
 * @param kernel     kernel height and width, at least 1
 * @param stride     step between output positions, at least 1
 * @param padding    zero padding before the image (top and left), at least 0
 * @param paddingEnd zero padding after the image (bottom and right), at least 0
 */
public record Conv2dSpec(int kernel, int stride, int padding, int paddingEnd) {
    public Conv2dSpec {
        if (kernel < 1 || stride < 1 || padding < 0 || paddingEnd < 0) {
            throw new IllegalArgumentException("conv2d: kernel " + kernel + ", stride " + stride + ", padding "
                    + padding + (paddingEnd == padding ? "" : " before and " + paddingEnd + " after")
                    + " (need kernel >= 1, stride >= 1, padding >= 0)");
        }
    }

    /** The same zero padding on every side. */
    public Conv2dSpec(int kernel, int stride, int padding) {
        this(kernel, stride, padding, padding);
    }

    /** 3×3, stride 1, padding 1: keeps the spatial size. */
    public static Conv2dSpec same3x3() {
        return new Conv2dSpec(3, 1, 1);
    }

    /** 1×1, stride 1, no padding: a per-pixel linear map. */
    public static Conv2dSpec pointwise() {
        return new Conv2dSpec(1, 1, 0);
    }

    /** 3×3, stride 2, padding 1 on every side: halves the spatial size (improved-diffusion's downsampling conv). */
    public static Conv2dSpec downsample3x3() {
        return new Conv2dSpec(3, 2, 1);
    }

    /**
     * 3×3, stride 2, one row and column of zeros after the image only: halves an even size the way DDPM's TensorFlow
     * code ({@code SAME} padding) and diffusers' {@code Downsample2D(padding=0)} do.
     */
    public static Conv2dSpec downsample3x3PadEnd() {
        return new Conv2dSpec(3, 2, 0, 1);
    }

    /** Whether both sides are padded alike. */
    public boolean isSymmetric() {
        return padding == paddingEnd;
    }

    /** Output size along one axis for an input of size {@code in}. */
    public int outSize(int in) {
        int out = (in + padding + paddingEnd - kernel) / stride + 1;
        if (out < 1) {
            throw new IllegalArgumentException("conv2d: input size " + in + " too small for " + this);
        }
        return out;
    }

    /** True when the convolution is a plain matrix product over pixels (no im2col needed). */
    public boolean isPointwise() {
        return kernel == 1 && stride == 1 && padding == 0 && paddingEnd == 0;
    }
}
