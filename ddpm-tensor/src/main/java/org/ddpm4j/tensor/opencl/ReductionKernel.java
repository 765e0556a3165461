package org.ddpm4j.tensor.opencl;

/**
 * Partial sums for the reductions, one work item per chunk of up to {@link #CHUNK} elements of one segment (the
 * whole tensor, or one sample for the per-sample reductions: no chunk straddles two), compensated (Kahan) so that
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
    /** Where in {@code partial} this launch's chunks write: one launch per tensor, all read back at once. */
    int partialOffset;
    /** Elements per segment; a segment starts every {@code segment} elements. */
    int segment;
    /** Chunks per segment: ⌈segment / CHUNK⌉. */
    int chunksPerSegment;
    int mode;
    int items;

    ReductionKernel(DeviceRuntime runtime) {
        super(runtime);
    }

    @Override
    public void run() {
        int chunk = getGlobalId();
        if (chunk < items) {
            int segmentIndex = chunk / chunksPerSegment;
            int segmentStart = segmentIndex * segment;
            int start = segmentStart + (chunk - segmentIndex * chunksPerSegment) * CHUNK;
            int end = min(segmentStart + segment, start + CHUNK);
            float sum = 0f;
            float lost = 0f;
            for (int i = start; i < end; i++) {
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
            partial[partialOffset + chunk] = sum;
        }
    }
}
