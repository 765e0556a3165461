package org.ddpm4j.tensor;

/**
 * How a {@link Backend} reaches a tensor's array. Only backends use this class; everyone else reads and writes a
 * tensor's values through its host-copy methods ({@link Tensor#toArray}, {@link Tensor#copyFrom(float[])},
 * {@link Tensor#update}), which never hand out the array itself.
 *
 * <p>Both methods refuse a tensor whose values are open in {@link Tensor#update}: an op's result would be overwritten
 * when the update writes its copy back.
 */
public final class TensorArrays {
    private TensorArrays() {
    }

    /**
     * The array of {@code t} with its current values, for a backend that computes on the host and may write it: a
     * device holder first gives its copy back and marks it stale.
     */
    public static float[] hostArray(Tensor t) {
        return t.storage.forHostBackend(t);
    }

    /**
     * The array of {@code t} as the key of {@code device}'s copy, without bringing values to the host (the device's
     * may be newer): {@code device} becomes the tensor's holder, and a different previous holder gives its copy back
     * first.
     */
    public static float[] forDevice(Tensor t, DeviceHolder device) {
        return t.storage.forDevice(t, device);
    }

    /**
     * Whether {@code t}'s values are zeros that its array does not hold yet ({@link Tensor#zero} leaves them to the
     * first reader), answered true at most once per zeroing. A backend that gets true takes the zeros over: before the
     * array is read again it must write every value, as the op's result on a zero tensor (an input gradient computed
     * instead of added) or as zeros (written by all its threads); a {@link DeviceHolder} may instead owe them to the
     * array, writing them when it next makes the host copy current. Asked before {@link #hostArray} or
     * {@link #forDevice}, which would write the zeros themselves.
     */
    public static boolean takePendingZeros(Tensor t) {
        return t.storage.takePendingZeros();
    }

    /**
     * Whether {@code t}'s array is known to hold only zeros, answered true at most once per zero-filling: a device
     * backend that asks records it in its own copy (clearing the device buffer instead of uploading).
     */
    public static boolean takeKnownZero(Tensor t) {
        return t.storage.takeKnownZero();
    }
}
