package org.ddpm4j.tensor;

import java.util.Arrays;

/**
 * The coherence rule between a tensor's host array and the copies a device backend keeps of it, so that data can
 * stay on a device from one op to the next while every layer keeps using {@link Tensor#data()}.
 *
 * <p>A device backend registers a {@link Holder}. {@code Tensor.data()} (and every {@code Tensor} method that reads
 * or writes the values) first asks each holder to give the array back: a holder whose copy is newer copies it to the
 * host, and from then on treats the host array as newer, because the caller may write it. The backend itself works
 * on {@link #storage(Tensor)}, which skips that step. With no holder registered the check is one volatile read.
 */
public final class DeviceCopies {
    /** A backend that keeps device copies of host arrays. */
    public interface Holder {
        /** Makes {@code array} current on the host and forgets that the device copy is current. */
        void giveBack(float[] array);

        /**
         * The host is replacing every value of {@code array} (with zeros if {@code zeros}): the device copy is stale,
         * and there is no need to fetch it first.
         */
        void overwrittenOnHost(float[] array, boolean zeros);
    }

    private static volatile Holder[] holders = new Holder[0];

    private DeviceCopies() {
    }

    public static synchronized void register(Holder h) {
        Holder[] grown = Arrays.copyOf(holders, holders.length + 1);
        grown[grown.length - 1] = h;
        holders = grown;
    }

    public static synchronized void unregister(Holder h) {
        holders = Arrays.stream(holders).filter(x -> x != h).toArray(Holder[]::new);
    }

    /** Every holder gives {@code array} back to the host. */
    static void hostAccess(float[] array) {
        for (Holder h : holders) {
            h.giveBack(array);
        }
    }

    /** Every holder learns that the host replaces all of {@code array}'s values. */
    static void hostOverwrite(float[] array, boolean zeros) {
        for (Holder h : holders) {
            h.overwrittenOnHost(array, zeros);
        }
    }

    /**
     * Every holder other than {@code by} gives {@code array} back, so that {@code by} may take the host array as
     * current (when two device backends share tensors).
     */
    public static void claim(float[] array, Holder by) {
        for (Holder h : holders) {
            if (h != by) {
                h.giveBack(array);
            }
        }
    }

    /**
     * {@code t}'s array without making it current on the host: for device backends, which know where the newest
     * values are. Anyone else reads and writes through {@link Tensor#data()}.
     */
    public static float[] storage(Tensor t) {
        return t.storage();
    }

    /**
     * Whether {@code t}'s array is known to hold only zeros, answered true at most once per zero-filling: a device
     * backend that asks records it in its own copy (clearing the device buffer instead of uploading).
     */
    public static boolean takeKnownZero(Tensor t) {
        return t.takeKnownZero();
    }
}
