package org.ddpm4j.tensor.opencl;

import com.aparapi.device.OpenCLDevice;

/**
 * Input gradient of the convolution as a gather, one work item per input element (no atomics):
 * {@code dx[n,c,iy,ix] += Σ_{o,ky,kx} w[o,c,ky,kx]·dy[n,o,oy,ox]} over the outputs whose window covers (iy, ix).
 */
final class ConvInputGradKernel extends DeviceKernel {
    float[] w = new float[1];
    float[] dy = new float[1];
    float[] dx = new float[1];
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

    ConvInputGradKernel(OpenCLDevice device, TransferCounter transfers) {
        super(device, transfers);
    }

    @Override
    public void run() {
        int id = getGlobalId();
        if (id < items) {
            int ix = id % width;
            int iy = (id / width) % height;
            int c = (id / (width * height)) % inChannels;
            int n = id / (width * height * inChannels);
            float acc = 0f;
            for (int o = 0; o < outChannels; o++) {
                int dyBase = (n * outChannels + o) * outHeight;
                int wBase = (o * inChannels + c) * kernelSize;
                for (int ky = 0; ky < kernelSize; ky++) {
                    int ty = iy + padding - ky;
                    int oy = ty / stride;
                    if (ty >= 0 && oy * stride == ty && oy < outHeight) {
                        for (int kx = 0; kx < kernelSize; kx++) {
                            int tx = ix + padding - kx;
                            int ox = tx / stride;
                            if (tx >= 0 && ox * stride == tx && ox < outWidth) {
                                acc += dy[(dyBase + oy) * outWidth + ox] * w[(wBase + ky) * kernelSize + kx];
                            }
                        }
                    }
                }
            }
            dx[id] = dx[id] + acc;
        }
    }
}
