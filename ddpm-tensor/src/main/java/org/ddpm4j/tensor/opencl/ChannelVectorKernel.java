package org.ddpm4j.tensor.opencl;

/**
 * A per-channel vector broadcast over positions ({@code [C]} shared or {@code [N, C]} per sample): mode
 * {@link #ADD} adds it (one item per element); mode {@link #BACKWARD} sums the gradient over positions (and over
 * samples for a shared vector) into it. Also the convolution's bias gradient. The backward's pass 0 sums each
 * (sample, channel) plane into the vector (per sample) or into device-only scratch, a work group per plane where
 * planes hold a group's worth of positions or more ({@link #groupPerPlane()}), else one item per plane; for a shared
 * vector pass 1 adds the scratch over the samples, one item per channel, so that no item walks the whole batch alone.
 */
final class ChannelVectorKernel extends GroupReductionKernel {
    static final int ADD = 0;
    static final int BACKWARD = 1;

    float[] x = new float[1];
    float[] v = new float[1];
    float[] out = new float[1];
    /** Device-only scratch of the backward of a shared vector: the sum of each (sample, channel) plane. */
    float[] planeSums = new float[1];
    int batch;
    int channels;
    int spatial;
    int perSample;
    int mode;
    /** 1: the addition runs in place and reads x from {@link #out} (x is then not bound to the tensor). */
    int readOut;
    int items;

    ChannelVectorKernel(DeviceRuntime runtime) {
        super(runtime);
    }

    /** The passes a launch takes: the backward of a shared vector sums the planes, then over the samples. */
    int passes() {
        int passes = 1;
        if (mode == BACKWARD && perSample == 0) {
            passes = 2;
        }
        return passes;
    }

    /**
     * Launches the backward over {@code batch·channels} planes: a work group per plane when planes hold at least
     * {@link #GROUP_SIZE} positions, else one item per plane (a tree over a group for a handful of values would cost
     * more than it saves).
     */
    void launchBackward() {
        int planes = batch * channels;
        launch(groupPerPlane() == 1 ? planes * GROUP_SIZE : planes, passes());
    }

    /** 1 when the backward sums each plane with a whole work group, 0 when with one item. */
    int groupPerPlane() {
        int byGroup = 0;
        if (spatial >= GROUP_SIZE) {
            byGroup = 1;
        }
        return byGroup;
    }

    void ensureScratch(int planes) {
        if (planeSums.length < planes) {
            planeSums = new float[planes];
        }
    }

    @Override
    public void run() {
        int i = getGlobalId();
        int pass = getPassId();
        // One flat condition per role: Aparapi's translator rejects an if nested directly in an if/else chain.
        if (pass == 0 && i < items && mode == ADD) {
            int c = (i / spatial) % channels;
            int n = i / (spatial * channels);
            int vi = c;
            if (perSample == 1) {
                vi = n * channels + c;
            }
            float xv = 0f;
            if (readOut == 1) {
                xv = out[i];
            } else {
                xv = x[i];
            }
            out[i] = xv + v[vi];
        }
        if (pass == 0 && i < batch * channels && mode == BACKWARD && groupPerPlane() == 0) {
            float acc = 0f;
            int off = i * spatial;
            for (int p = 0; p < spatial; p++) {
                acc += x[off + p];
            }
            addPlaneSum(i, acc);
        }
        // A whole work group per plane: the condition holds for all of a group's items or none, as the barriers of
        // groupSum need.
        int plane = getGroupId();
        if (pass == 0 && plane < batch * channels && mode == BACKWARD && groupPerPlane() == 1) {
            int lane = getLocalId();
            float acc = 0f;
            int off = plane * spatial;
            for (int p = lane; p < spatial; p += GROUP_SIZE) {
                acc += x[off + p];
            }
            float total = groupSum(lane, acc);
            if (lane == 0) {
                addPlaneSum(plane, total);
            }
        }
        if (pass == 1 && i < channels && mode == BACKWARD) {
            float acc = 0f;
            for (int n = 0; n < batch; n++) {
                acc += planeSums[n * channels + i];
            }
            v[i] = v[i] + acc;
        }
    }

    /** Plane {@code plane}'s sum into the vector (per sample) or into the scratch (shared). */
    void addPlaneSum(int plane, float sum) {
        if (perSample == 1) {
            v[plane] = v[plane] + sum;
        } else {
            planeSums[plane] = sum;
        }
    }
}
