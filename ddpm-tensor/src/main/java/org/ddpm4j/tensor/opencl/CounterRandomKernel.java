package org.ddpm4j.tensor.opencl;

/**
 * The engine's counter-based random numbers on the device, one SplitMix64 hash of (seed, index) per element as in
 * {@link org.ddpm4j.tensor.DropoutMask#uniform} and {@link org.ddpm4j.tensor.CounterNoise#gaussian}, so the device
 * draws what the CPU backends draw: an inverted-dropout mask ({@link #DROPOUT}) or standard normal noise
 * ({@link #NOISE}, Box–Muller in float). Nothing is uploaded for the random numbers themselves.
 */
final class CounterRandomKernel extends DeviceKernel {
    static final int DROPOUT = 0, NOISE = 1;
    private static final float TWO_PI = (float) (2 * Math.PI);
    /** DROPOUT: the input, unless {@link #readY}; NOISE: unused. */
    float[] x = new float[1];
    /** DROPOUT: 1 when the input is y itself (in place: one array cannot be bound to two arguments), else 0. */
    int readY;
    /** DROPOUT: x ⊙ mask; NOISE: the noise. */
    float[] y = new float[1];
    /** DROPOUT: 0 or 1/(1 − p); NOISE: unused. */
    float[] mask = new float[1];
    long seed;
    float p;
    float keepScale;
    int items;
    int mode;

    CounterRandomKernel(DeviceRuntime runtime) {
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
            if (mode == DROPOUT) {
                float u = (z >>> 40) * 0x1.0p-24f;
                float m = 0f;
                if (u >= p) {
                    m = keepScale;
                }
                mask[i] = m;
                float in = x[i];
                if (readY == 1) {
                    in = y[i];
                }
                y[i] = in * m;
            } else {
                float u1 = ((z >>> 40) + 1L) * 0x1.0p-24f;
                float u2 = ((z >>> 16) & 0xFFFFFFL) * 0x1.0p-24f;
                y[i] = sqrt(-2f * log(u1)) * cos(TWO_PI * u2);
            }
        }
    }
}
