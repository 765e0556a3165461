package org.ddpm4j.tensor.opencl;

/**
 * A per-channel vector broadcast over positions ({@code [C]} shared or {@code [N, C]} per sample): mode
 * {@link #ADD} adds it (one item per element); mode {@link #BACKWARD} sums the gradient over positions (and over
 * samples for a shared vector) into it (one item per vector entry). Also the convolution's bias gradient.
 */
final class ChannelVectorKernel extends DeviceKernel {
    static final int ADD = 0;
    static final int BACKWARD = 1;

    float[] x = new float[1];
    float[] v = new float[1];
    float[] out = new float[1];
    int batch;
    int channels;
    int spatial;
    int perSample;
    int mode;
    /** 1: the addition runs in place and reads x from {@link #out} (x is then not bound to the tensor). */
    int readOut;
    int items;

    ChannelVectorKernel(DeviceRuntime runtime) {
        super(runtime);
    }

    @Override
    public void run() {
        int i = getGlobalId();
        if (i < items) {
            if (mode == ADD) {
                int c = (i / spatial) % channels;
                int n = i / (spatial * channels);
                int vi = c;
                if (perSample == 1) {
                    vi = n * channels + c;
                }
                float xv = 0f;
                if (readOut == 1) {
                    xv = out[i];
                } else {
                    xv = x[i];
                }
                out[i] = xv + v[vi];
            } else {
                int c = i % channels;
                int nFirst = 0;
                int nEnd = batch;
                if (perSample == 1) {
                    nFirst = i / channels;
                    nEnd = nFirst + 1;
                }
                float acc = 0f;
                for (int n = nFirst; n < nEnd; n++) {
                    int off = (n * channels + c) * spatial;
                    for (int p = 0; p < spatial; p++) {
                        acc += x[off + p];
                    }
                }
                v[i] = v[i] + acc;
            }
        }
    }
}
