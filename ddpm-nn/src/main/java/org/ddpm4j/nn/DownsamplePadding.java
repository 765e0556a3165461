package org.ddpm4j.nn;

import org.ddpm4j.tensor.Conv2dSpec;

/**
 * Where the U-Net's stride-2 downsampling convolution pads. The two sample grids differ by one pixel, so a model
 * trained with one computes a different function with the other: a loaded model must keep its own.
 */
public enum DownsamplePadding {
    /** One pixel on every side, as improved-diffusion and ddpm4j's own models. */
    BOTH_SIDES(Conv2dSpec.downsample3x3()),
    /**
     * One pixel after the image only (bottom and right), as TensorFlow's {@code SAME} in DDPM's original code and
     * diffusers' {@code downsample_padding=0}: the published DDPM models.
     */
    END(Conv2dSpec.downsample3x3PadEnd());

    private final Conv2dSpec spec;

    DownsamplePadding(Conv2dSpec spec) {
        this.spec = spec;
    }

    /** The downsampling convolution's geometry. */
    public Conv2dSpec spec() {
        return spec;
    }
}
