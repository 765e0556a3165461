package org.ddpm4j.tensor.opencl;

import com.aparapi.device.OpenCLDevice;

/** Direct convolution, one work item per output element: {@code y[n,o,oy,ox] = b[o] + Σ_{c,ky,kx} w·x}. */
final class ConvForwardKernel extends DeviceKernel {
    float[] x = new float[1];
    float[] w = new float[1];
    float[] bias = new float[1];
    float[] y = new float[1];
    int inChannels;
    int height;
    int width;
    int outChannels;
    int outHeight;
    int outWidth;
    int kernelSize;
    int stride;
    int padding;
    int hasBias;
    int items;

    ConvForwardKernel(OpenCLDevice device, TransferCounter transfers) {
        super(device, transfers);
    }

    @Override
    public void run() {
        int id = getGlobalId();
        if (id < items) {
            int ox = id % outWidth;
            int oy = (id / outWidth) % outHeight;
            int o = (id / (outWidth * outHeight)) % outChannels;
            int n = id / (outWidth * outHeight * outChannels);
            float acc = 0f;
            if (hasBias == 1) {
                acc = bias[o];
            }
            for (int c = 0; c < inChannels; c++) {
                int xBase = (n * inChannels + c) * height;
                int wBase = (o * inChannels + c) * kernelSize;
                for (int ky = 0; ky < kernelSize; ky++) {
                    int iy = oy * stride - padding + ky;
                    if (iy >= 0 && iy < height) {
                        for (int kx = 0; kx < kernelSize; kx++) {
                            int ix = ox * stride - padding + kx;
                            if (ix >= 0 && ix < width) {
                                acc += x[(xBase + iy) * width + ix] * w[(wBase + ky) * kernelSize + kx];
                            }
                        }
                    }
                }
            }
            y[id] = acc;
        }
    }
}
