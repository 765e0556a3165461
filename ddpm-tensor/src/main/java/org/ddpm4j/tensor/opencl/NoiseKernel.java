package org.ddpm4j.tensor.opencl;

/**
 * Standard normal noise drawn on the device with the engine's counter-based generator: the same hash and Box–Muller
 * transform as {@link org.ddpm4j.tensor.CounterNoise#gaussian}, in float, so nothing is uploaded for it.
 */
final class NoiseKernel extends DeviceKernel {
    private static final float TWO_PI = (float) (2 * Math.PI);
    float[] out = new float[1];
    long seed;
    int items;

    NoiseKernel(DeviceRuntime runtime) {
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
            float u1 = ((z >>> 40) + 1L) * 0x1.0p-24f;
            float u2 = ((z >>> 16) & 0xFFFFFFL) * 0x1.0p-24f;
            out[i] = sqrt(-2f * log(u1)) * cos(TWO_PI * u2);
        }
    }
}
