package org.ddpm4j.tensor.opencl;

/**
 * Partial sums for the reductions, one work item per chunk of {@link #CHUNK} elements, compensated (Kahan) so that
 * float32 partials keep the accuracy the host's double sum of them needs: mode {@link #SUM} Σa,
 * {@link #SUM_OF_SQUARES} Σa², {@link #SQUARED_DIFFERENCE} Σ(a − b)².
 */
final class ReductionKernel extends DeviceKernel {
    static final int CHUNK = 256;
    static final int SUM = 0;
    static final int SUM_OF_SQUARES = 1;
    static final int SQUARED_DIFFERENCE = 2;

    float[] a = new float[1];
    float[] b = new float[1];
    float[] partial = new float[1];
    int size;
    int mode;
    int items;

    ReductionKernel(DeviceRuntime runtime) {
        super(runtime);
    }

    @Override
    public void run() {
        int chunk = getGlobalId();
        if (chunk < items) {
            int end = min(size, (chunk + 1) * CHUNK);
            float sum = 0f;
            float lost = 0f;
            for (int i = chunk * CHUNK; i < end; i++) {
                float term = a[i];
                if (mode == SUM_OF_SQUARES) {
                    term = a[i] * a[i];
                } else if (mode == SQUARED_DIFFERENCE) {
                    term = (a[i] - b[i]) * (a[i] - b[i]);
                }
                float corrected = term - lost;
                float next = sum + corrected;
                lost = (next - sum) - corrected;
                sum = next;
            }
            partial[chunk] = sum;
        }
    }
}
