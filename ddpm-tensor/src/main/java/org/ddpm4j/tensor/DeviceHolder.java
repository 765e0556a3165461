package org.ddpm4j.tensor;

/**
 * A backend that keeps copies of tensors' arrays in its own memory, where they may be newer than the host's. A tensor
 * records the one holder that has a copy of its array ({@link TensorArrays#forDevice}); the tensor's host-copy
 * methods and host backends ask that holder, and no other, to bring the values back. Making the host copy current
 * includes writing zeros that the holder took over from a zeroed tensor ({@link TensorArrays#takePendingZeros}).
 */
public interface DeviceHolder {
    /** Makes the host copy of {@code array} current; the device copy stays valid (the host only reads it). */
    void toHost(float[] array);

    /** Makes the host copy current and the device copy stale: the host may write the array next. */
    void giveBack(float[] array);

    /**
     * The host is replacing every value of {@code array} (with zeros if {@code zeros}): the device copy is stale, and
     * there is no need to fetch it first.
     */
    void overwrittenOnHost(float[] array, boolean zeros);
}
