package org.ddpm4j.tensor.opencl;

/**
 * The per-sample arithmetic of the diffusion maths, one work item per element: mode {@link #COMBINE} computes
 * {@code out = a[b]·x + c[b]·y} with b the element's sample, mode {@link #CLAMP} {@code out = min(max(x, lo), hi)}.
 */
final class PerSampleKernel extends DeviceKernel {
    static final int COMBINE = 0;
    static final int CLAMP = 1;

    float[] x = new float[1];
    float[] y = new float[1];
    float[] a = new float[1];
    float[] c = new float[1];
    float[] out = new float[1];
    /** 1: x is {@link #out} itself (x is then not bound to the tensor). */
    int xIsOut;
    /** 1: y is {@link #out} itself. */
    int yIsOut;
    int perSample;
    float lo;
    float hi;
    int mode;
    int items;

    PerSampleKernel(DeviceRuntime runtime) {
        super(runtime);
    }

    @Override
    public void run() {
        int i = getGlobalId();
        if (i < items) {
            float xv = 0f;
            if (xIsOut == 1) {
                xv = out[i];
            } else {
                xv = x[i];
            }
            if (mode == CLAMP) {
                out[i] = min(max(xv, lo), hi);
            } else {
                float yv = 0f;
                if (yIsOut == 1) {
                    yv = out[i];
                } else {
                    yv = y[i];
                }
                int b = i / perSample;
                out[i] = a[b] * xv + c[b] * yv;
            }
        }
    }
}
