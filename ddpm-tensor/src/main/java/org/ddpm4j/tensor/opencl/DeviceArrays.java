package org.ddpm4j.tensor.opencl;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The device copies of host arrays: a cache keyed by array identity, each entry knowing which side is newer.
 *
 * <p>An array used by a kernel gets a device buffer; it is uploaded only when the host copy is newer (a new array, or
 * one whose values the host or a host backend has written since), and downloaded only when the host asks for it. So a
 * training step's activations, gradients and weights move between kernels without leaving the device.
 *
 * <p>Entries hold their arrays weakly: when an array is garbage collected its buffer is released (on the next use of
 * the cache). Device memory is bounded by a budget; past it, the least recently used buffers are evicted (newer
 * device copies are downloaded first), so the host arrays stay the complete truth and nothing is lost.
 *
 * <p>Not thread-safe: {@link DeviceRuntime} calls it under its lock.
 */
final class DeviceArrays {
    /** Which copy is current; ZEROS: the values are zeros, and the device buffer is cleared before use. */
    private enum State { HOST_NEWER, ZEROS, SAME, DEVICE_NEWER }

    private static final class Entry {
        final ArrayKey key;
        final MemorySegment buffer;
        final long bytes;
        State state = State.HOST_NEWER;
        /**
         * The values are zeros that the host array does not hold: a tensor's pending zeros ({@code Tensor.zero})
         * passed to the device, which writes them into the host array only when the host needs it.
         */
        boolean zerosOwedToHost;
        long lastUse;

        Entry(ArrayKey key, MemorySegment buffer, long bytes) {
            this.key = key;
            this.buffer = buffer;
            this.bytes = bytes;
        }
    }

    /** A weak reference compared by the identity of its array, so that equal arrays never share a buffer. */
    private static final class ArrayKey extends WeakReference<float[]> {
        final int hash;

        ArrayKey(float[] array, ReferenceQueue<float[]> queue) {
            super(array, queue);
            hash = System.identityHashCode(array);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return this == o || o instanceof Probe p && p.array == get();
        }
    }

    /**
     * The lookup key for an array: hashed and compared like an {@link ArrayKey} but without creating a weak reference,
     * since every request from a tensor to bring its values back looks its array up.
     */
    private record Probe(float[] array) {
        @Override
        public int hashCode() {
            return System.identityHashCode(array);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ArrayKey k && k.get() == array;
        }
    }

    private final ClQueue cl;
    private final TransferCounter transfers;
    private final long budgetBytes;
    private final long maxBufferBytes;
    private final Map<ArrayKey, Entry> entries = new HashMap<>();
    private final ReferenceQueue<float[]> collected = new ReferenceQueue<>();
    /** Arrays bound to the launch being prepared: never evicted under it. */
    private final Set<float[]> pinned = Collections.newSetFromMap(new IdentityHashMap<>());
    private long usedBytes;
    private long clock;

    DeviceArrays(ClQueue cl, TransferCounter transfers, long budgetBytes, long maxBufferBytes) {
        this.cl = cl;
        this.transfers = transfers;
        this.budgetBytes = budgetBytes;
        this.maxBufferBytes = maxBufferBytes;
    }

    /** The device copy of {@code array}, current: uploaded first if the host's is newer. Pinned until unpinAll. */
    MemorySegment current(float[] array) {
        Entry e = entry(array);
        if (e.state == State.HOST_NEWER) {
            cl.write(e.buffer, array, array.length);
            transfers.toDevice(array.length);
            e.state = State.SAME;
        } else if (e.state == State.ZEROS) {
            cl.zero(e.buffer, 4L * array.length);
            e.state = State.SAME;
        }
        return e.buffer;
    }

    /**
     * Records that the host {@code array} holds only zeros: its device copy is cleared on the device when next
     * needed, instead of uploaded. A copy that the device already holds newer is left alone.
     */
    void knownZero(float[] array) {
        Entry e = entries.get(new Probe(array));
        if (e == null) {
            entry(array).state = State.ZEROS;
        } else if (e.state == State.HOST_NEWER) {
            e.state = State.ZEROS;
        }
    }

    /**
     * Records that the values of {@code array} are zeros which the host array does not hold yet: the device clears its
     * copy when next needed, and the zeros are written into the host array only when the host asks for it (or the
     * copy is evicted or released). So a gradient buffer zeroed every step is cleared on the device, not on the host.
     */
    void zerosOwedToHost(float[] array) {
        Entry e = entry(array);
        e.state = State.ZEROS;
        e.zerosOwedToHost = true;
    }

    /** The host replaced every value of {@code array} (with zeros if {@code zeros}): the device copy is stale. */
    void overwrittenOnHost(float[] array, boolean zeros) {
        Entry e = entries.get(new Probe(array));
        if (e != null) {
            e.state = zeros ? State.ZEROS : State.HOST_NEWER;
            e.zerosOwedToHost = false;
        }
    }

    /** A device buffer for {@code array} that a kernel will overwrite entirely: nothing is uploaded. */
    MemorySegment overwritten(float[] array) {
        return entry(array).buffer;
    }

    /** Records that a kernel wrote {@code array}'s device copy. */
    void written(float[] array) {
        Entry e = entries.get(new Probe(array));
        if (e == null) {
            throw new IllegalStateException("no device copy of a written array (it was not bound to the launch)");
        }
        e.state = State.DEVICE_NEWER;
    }

    /** Releases the pins of the last launch. */
    void unpinAll() {
        pinned.clear();
    }

    /** Makes the host copy of {@code array} current; the device copy stays valid too. */
    void toHost(float[] array) {
        Entry e = entries.get(new Probe(array));
        if (e != null) {
            makeHostCurrent(e, array);
        }
    }

    /** Makes the host copy current and marks it newer: the caller may now write the array. */
    void giveBack(float[] array) {
        Entry e = entries.get(new Probe(array));
        if (e != null) {
            makeHostCurrent(e, array);
            e.state = State.HOST_NEWER;
        }
    }

    /** Brings every newer device copy and every owed zero to the host and releases every buffer. */
    void releaseAll() {
        for (Entry e : entries.values()) {
            float[] array = e.key.get();
            if (array != null) {
                makeHostCurrent(e, array);
            }
            cl.release(e.buffer);
        }
        entries.clear();
        usedBytes = 0;
    }

    /** Bytes of device memory held now. */
    long usedBytes() {
        return usedBytes;
    }

    /** Downloads a newer device copy, or writes the zeros the host array is owed; else the host's is current. */
    private void makeHostCurrent(Entry e, float[] array) {
        if (e.state == State.DEVICE_NEWER) {
            cl.read(e.buffer, array, array.length);
            transfers.toHost(array.length);
            e.state = State.SAME;
        } else if (e.zerosOwedToHost) {
            Arrays.fill(array, 0f);
        }
        e.zerosOwedToHost = false;
    }

    private Entry entry(float[] array) {
        releaseCollected();
        pinned.add(array);
        Entry e = entries.get(new Probe(array));
        if (e == null) {
            long bytes = Math.max(4L, 4L * array.length);
            if (bytes > maxBufferBytes) {
                throw new IllegalArgumentException("OpenCL backend: an array of " + array.length + " floats ("
                        + bytes + " bytes) exceeds the device's largest buffer (" + maxBufferBytes + " bytes)");
            }
            makeRoom(bytes);
            ArrayKey key = new ArrayKey(array, collected);
            e = new Entry(key, cl.buffer(bytes), bytes);
            entries.put(key, e);
            usedBytes += bytes;
        }
        e.lastUse = ++clock;
        return e;
    }

    private void releaseCollected() {
        for (Reference<? extends float[]> r; (r = collected.poll()) != null; ) {
            Entry e = entries.remove((ArrayKey) r);
            if (e != null) {
                cl.release(e.buffer);
                usedBytes -= e.bytes;
            }
        }
    }

    /** Evicts least recently used, unpinned buffers until {@code bytes} more fit in the budget. */
    private void makeRoom(long bytes) {
        if (usedBytes + bytes <= budgetBytes) {
            return;
        }
        List<Entry> byAge = new ArrayList<>(entries.values());
        byAge.sort((a, b) -> Long.compare(a.lastUse, b.lastUse));
        for (Entry e : byAge) {
            if (usedBytes + bytes <= budgetBytes) {
                return;
            }
            float[] array = e.key.get();
            if (array != null && pinned.contains(array)) {
                continue;
            }
            if (array != null) {
                makeHostCurrent(e, array);
            }
            entries.remove(e.key);
            cl.release(e.buffer);
            usedBytes -= e.bytes;
        }
    }
}
