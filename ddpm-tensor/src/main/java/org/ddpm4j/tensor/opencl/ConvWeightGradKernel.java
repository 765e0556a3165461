package org.ddpm4j.tensor.opencl;

import com.aparapi.device.OpenCLDevice;

/** Weight gradient of the convolution, one work item per weight: {@code dw[o,c,ky,kx] += Σ_{n,oy,ox} dy·x}. */
final class ConvWeightGradKernel extends DeviceKernel {
    float[] x = new float[1];
    float[] dy = new float[1];
    float[] dw = new float[1];
    int batch;
    int inChannels;
    int height;
    int width;
    int outChannels;
    int outHeight;
    int outWidth;
    int kernelSize;
    int stride;
    int padding;
    int items;

    ConvWeightGradKernel(OpenCLDevice device, TransferCounter transfers) {
        super(device, transfers);
    }

    @Override
    public void run() {
        int id = getGlobalId();
        if (id < items) {
            int kx = id % kernelSize;
            int ky = (id / kernelSize) % kernelSize;
            int c = (id / (kernelSize * kernelSize)) % inChannels;
            int o = id / (kernelSize * kernelSize * inChannels);
            float acc = 0f;
            for (int n = 0; n < batch; n++) {
                int xBase = (n * inChannels + c) * height;
                int dyBase = (n * outChannels + o) * outHeight;
                for (int oy = 0; oy < outHeight; oy++) {
                    int iy = oy * stride - padding + ky;
                    if (iy >= 0 && iy < height) {
                        for (int ox = 0; ox < outWidth; ox++) {
                            int ix = ox * stride - padding + kx;
                            if (ix >= 0 && ix < width) {
                                acc += dy[(dyBase + oy) * outWidth + ox] * x[(xBase + iy) * width + ix];
                            }
                        }
                    }
                }
            }
            dw[id] = dw[id] + acc;
        }
    }
}
