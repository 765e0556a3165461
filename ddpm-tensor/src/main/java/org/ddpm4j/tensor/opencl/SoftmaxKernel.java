package org.ddpm4j.tensor.opencl;

/**
 * Softmax over rows, one work item per row: mode {@link #FORWARD} writes {@code out = softmax(in)} (max-shifted);
 * mode {@link #BACKWARD} accumulates {@code grad += in ⊙ (dy − Σ dy·in)} with {@code in} the forward output.
 */
final class SoftmaxKernel extends DeviceKernel {
    static final int FORWARD = 0;
    static final int BACKWARD = 1;

    float[] in = new float[1];
    float[] dy = new float[1];
    float[] out = new float[1];
    int cols;
    int mode;
    /** 1: the forward runs in place and reads its input from {@link #out} (in is then not bound to the tensor). */
    int readOut;
    int items;

    SoftmaxKernel(DeviceRuntime runtime) {
        super(runtime);
    }

    @Override
    public void run() {
        int row = getGlobalId();
        if (row < items) {
            int off = row * cols;
            if (mode == FORWARD) {
                float max = -3.4028235e38f;
                for (int j = 0; j < cols; j++) {
                    float v = 0f;
                    if (readOut == 1) {
                        v = out[off + j];
                    } else {
                        v = in[off + j];
                    }
                    max = max(max, v);
                }
                float sum = 0f;
                for (int j = 0; j < cols; j++) {
                    float v = 0f;
                    if (readOut == 1) {
                        v = out[off + j];
                    } else {
                        v = in[off + j];
                    }
                    float e = exp(v - max);
                    out[off + j] = e;
                    sum += e;
                }
                float inv = 1f / sum;
                for (int j = 0; j < cols; j++) {
                    out[off + j] = out[off + j] * inv;
                }
            } else {
                float dot = 0f;
                for (int j = 0; j < cols; j++) {
                    dot += dy[off + j] * in[off + j];
                }
                for (int j = 0; j < cols; j++) {
                    out[off + j] = out[off + j] + in[off + j] * (dy[off + j] - dot);
                }
            }
        }
    }
}
