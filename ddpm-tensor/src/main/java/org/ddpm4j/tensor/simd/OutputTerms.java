package org.ddpm4j.tensor.simd;

/**
 * What a convolution does with its output as it writes it: stores it plus a bias per output channel, a shift per
 * sample and channel (a ResBlock's time embedding) and a residual of the output's shape (its shortcut), any of them
 * absent; or adds it into y (an input gradient into dx). Each term is added in its own rounding, in that order, so the
 * result has the bits of the convolution followed by the separate ops ({@code addChannelVector}, {@code add}); the
 * terms are added while a run of the output is still in cache instead of in passes of their own over memory.
 */
record OutputTerms(float[] bias, float[] shift, float[] residual, boolean accumulate, int channels, int plane) {

    /** {@code y = conv + bias + shift + residual}; each may be null. */
    static OutputTerms stored(float[] bias, float[] shift, float[] residual, int channels, int plane) {
        return new OutputTerms(bias, shift, residual, false, channels, plane);
    }

    /** {@code y += conv}. */
    static OutputTerms added(int channels, int plane) {
        return new OutputTerms(null, null, null, true, channels, plane);
    }

    /** The bias of channel o, 0 when there is none. */
    private float biasOf(int o) {
        return bias == null ? 0f : bias[o];
    }

    /** Index of position {@code within} of channel o's plane of image n in y. */
    int at(int n, int o, int within) {
        return (n * channels + o) * plane + within;
    }

    /** The run {@code src[srcOff ..+len)} of the convolution written into y at position {@code within} of (n, o). */
    void write(float[] src, int srcOff, float[] y, int n, int o, int within, int len) {
        int at = at(n, o, within);
        if (accumulate) {
            VectorOps.addInto(src, srcOff, y, at, len);
            return;
        }
        VectorOps.addScalar(src, srcOff, biasOf(o), y, at, len);
        addShiftAndResidual(y, n, o, at, len);
    }

    /** Adds the bias (when there is one), the shift and the residual to a run of y that holds the convolution. */
    void addInPlace(float[] y, int n, int o, int at, int len) {
        if (bias != null) {
            VectorOps.addScalar(y, at, bias[o], y, at, len);
        }
        addShiftAndResidual(y, n, o, at, len);
    }

    /** Adds the shift and the residual to a run of y that holds the convolution plus its bias. */
    private void addShiftAndResidual(float[] y, int n, int o, int at, int len) {
        if (shift != null) {
            VectorOps.addScalar(y, at, shift[n * channels + o], y, at, len);
        }
        if (residual != null) {
            VectorOps.addInto(residual, at, y, at, len);
        }
    }
}
