package org.ddpm4j.tensor.opencl;

/**
 * A kernel with passes that sum over a whole work group: each item adds a strided part of a run (neighbouring items
 * read neighbouring values), then {@link #groupSum} adds the items' parts in local memory, in a fixed tree, so the
 * result does not depend on scheduling. One group per sum keeps a GPU's compute units busy where one item per sum
 * would leave most of them idle while a few items walk long runs.
 */
abstract class GroupReductionKernel extends DeviceKernel {
    @Local
    float[] partial = new float[GROUP_SIZE];

    GroupReductionKernel(DeviceRuntime runtime) {
        super(runtime);
    }

    /**
     * The sum of every item's {@code value} in this work group, returned to all of them. Every item of the group must
     * call it (it holds barriers).
     */
    float groupSum(int lane, float value) {
        partial[lane] = value;
        localBarrier();
        for (int span = GROUP_SIZE / 2; span > 0; span = span / 2) {
            if (lane < span) {
                partial[lane] = partial[lane] + partial[lane + span];
            }
            localBarrier();
        }
        float total = partial[0];
        // Every item has read the total before the next sum overwrites it.
        localBarrier();
        return total;
    }
}
