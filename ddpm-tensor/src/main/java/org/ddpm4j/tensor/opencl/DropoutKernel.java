package org.ddpm4j.tensor.opencl;

/**
 * Inverted dropout with the engine's counter-based mask: the same SplitMix64 finaliser as
 * {@link org.ddpm4j.tensor.DropoutMask#uniform}, so the device draws bit-for-bit the mask the CPU backends draw.
 */
final class DropoutKernel extends DeviceKernel {
    float[] x = new float[1];
    float[] y = new float[1];
    float[] mask = new float[1];
    long seed;
    float p;
    float keepScale;
    int items;

    DropoutKernel(DeviceRuntime runtime) {
        super(runtime);
    }

    @Override
    public void run() {
        int i = getGlobalId();
        if (i < items) {
            long index = i;
            long z = seed + (index + 1L) * 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z = z ^ (z >>> 31);
            float u = (z >>> 40) * 0x1.0p-24f;
            float m = 0f;
            if (u >= p) {
                m = keepScale;
            }
            mask[i] = m;
            y[i] = x[i] * m;
        }
    }
}
