package org.ddpm4j.tensor;

/**
 * Geometry of a square 2-D convolution: kernel size, stride and zero padding (the same on all sides).
 *
 * @param kernel  kernel height and width, at least 1
 * @param stride  step between output positions, at least 1
 * @param padding zero padding on each side, at least 0
 */
public record Conv2dSpec(int kernel, int stride, int padding) {
    public Conv2dSpec {
        if (kernel < 1 || stride < 1 || padding < 0) {
            throw new IllegalArgumentException("conv2d: kernel " + kernel + ", stride " + stride + ", padding "
                    + padding + " (need kernel >= 1, stride >= 1, padding >= 0)");
        }
    }

    /** 3×3, stride 1, padding 1: keeps the spatial size. */
    public static Conv2dSpec same3x3() {
        return new Conv2dSpec(3, 1, 1);
    }

    /** 1×1, stride 1, no padding: a per-pixel linear map. */
    public static Conv2dSpec pointwise() {
        return new Conv2dSpec(1, 1, 0);
    }

    /** 3×3, stride 2, padding 1: halves the spatial size (DDPM's downsampling conv). */
    public static Conv2dSpec downsample3x3() {
        return new Conv2dSpec(3, 2, 1);
    }

    /** Output size along one axis for an input of size {@code in}. */
    public int outSize(int in) {
        int out = (in + 2 * padding - kernel) / stride + 1;
        if (out < 1) {
            throw new IllegalArgumentException("conv2d: input size " + in + " too small for " + this);
        }
        return out;
    }

    /** True when the convolution is a plain matrix product over pixels (no im2col needed). */
    public boolean isPointwise() {
        return kernel == 1 && stride == 1 && padding == 0;
    }
}
