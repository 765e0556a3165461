package org.ddpm4j.tensor.opencl;

/** Nearest-neighbour 2× upsampling and channel concatenation, with their backward passes, by {@link #mode}. */
final class LayoutKernel extends DeviceKernel {
    /** {@code dst[plane, oy, ox] = src[plane, oy/2, ox/2]}, one item per output. */
    static final int UPSAMPLE = 0;
    /** {@code dst[plane, y, x] += Σ} of the four {@code src} values it was copied to, one item per input. */
    static final int UPSAMPLE_BACKWARD = 1;
    /** {@code dst[n] = [src[n], src2[n]]}, one item per output. */
    static final int CONCAT = 2;
    /** {@code dst[n] += src[n, offset : offset + partSize]}, one item per part element. */
    static final int SPLIT = 3;

    float[] src = new float[1];
    float[] src2 = new float[1];
    float[] dst = new float[1];
    /** Input height and width (upsampling); part sizes and offset per sample (concatenation). */
    int height;
    int width;
    int sizeA;
    int sizeB;
    int offset;
    int mode;
    int items;

    LayoutKernel(DeviceRuntime runtime) {
        super(runtime);
    }

    @Override
    public void run() {
        int i = getGlobalId();
        if (i < items) {
            if (mode == UPSAMPLE) {
                int ox = i % (2 * width);
                int oy = (i / (2 * width)) % (2 * height);
                int plane = i / (4 * width * height);
                dst[i] = src[(plane * height + oy / 2) * width + ox / 2];
            } else if (mode == UPSAMPLE_BACKWARD) {
                int x = i % width;
                int y = (i / width) % height;
                int plane = i / (width * height);
                int top = (plane * 2 * height + 2 * y) * 2 * width + 2 * x;
                dst[i] = dst[i] + (src[top] + src[top + 1]) + (src[top + 2 * width] + src[top + 2 * width + 1]);
            } else if (mode == CONCAT) {
                int n = i / (sizeA + sizeB);
                int r = i % (sizeA + sizeB);
                if (r < sizeA) {
                    dst[i] = src[n * sizeA + r];
                } else {
                    dst[i] = src2[n * sizeB + r - sizeA];
                }
            } else {
                int part = sizeA;
                int n = i / part;
                dst[i] = dst[i] + src[n * (sizeA + sizeB) + offset + i % part];
            }
        }
    }
}
