package org.ddpm4j.tensor.opencl;

import com.aparapi.device.OpenCLDevice;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import org.ddpm4j.tensor.DeviceHolder;

/**
 * One OpenCL device as the backend uses it: a queue, the device copies of host arrays ({@link DeviceArrays}), and the
 * compiled form of each kernel class. Every op runs under {@link #LOCK}, as does every request from a tensor to bring
 * its values back ({@link DeviceHolder}) on another thread, so one backend may serve several threads.
 */
final class DeviceRuntime implements DeviceHolder {
    /**
     * One lock for every OpenCL runtime in the JVM: an op of one backend may make another give an array back (when
     * two backends share a tensor), and with a lock per runtime two such ops could each wait for the other's.
     */
    static final Object LOCK = new Object();

    /** Share of the device's global memory the cache may hold; the rest is for the driver and other programs. */
    private static final double MEMORY_BUDGET_SHARE = 0.75;

    private final ClQueue queue;
    private final DeviceArrays arrays;
    private final TransferCounter transfers = new TransferCounter();
    private final Map<Class<?>, CompiledKernel> compiled = new HashMap<>();
    private boolean closed;

    /** A translated kernel built for this device. */
    record CompiledKernel(TranslatedKernel translated, MemorySegment kernel) {
    }

    /** The runtime on {@code device} with the default memory budget. */
    DeviceRuntime(OpenCLDevice device) {
        this(device, (long) (MEMORY_BUDGET_SHARE * device.getGlobalMemSize()));
    }

    /** The runtime on {@code device}, keeping at most {@code budgetBytes} of device copies. */
    DeviceRuntime(OpenCLDevice device, long budgetBytes) {
        queue = JvmSignalHandlers.keptAround("the OpenCL runtime, creating a context",
                () -> new ClQueue(ClApi.load(), device.getDeviceId()));
        arrays = new DeviceArrays(queue, transfers, budgetBytes, device.getMaxMemAllocSize());
    }

    ClQueue queue() {
        return queue;
    }

    DeviceArrays arrays() {
        return arrays;
    }

    Transfers transfers() {
        return transfers.snapshot();
    }

    /** The compiled kernel of {@code kernel}'s class, translated and built on first use. */
    CompiledKernel compiled(DeviceKernel kernel) {
        requireOpen();
        return compiled.computeIfAbsent(kernel.getClass(), c -> {
            TranslatedKernel t = TranslatedKernel.of(kernel);
            return new CompiledKernel(t, queue.kernel(t.source(), TranslatedKernel.ENTRY, c.getSimpleName()));
        });
    }

    @Override
    public void toHost(float[] array) {
        synchronized (LOCK) {
            if (!closed) {
                arrays.toHost(array);
            }
        }
    }

    @Override
    public void giveBack(float[] array) {
        synchronized (LOCK) {
            if (!closed) {
                arrays.giveBack(array);
            }
        }
    }

    @Override
    public void overwrittenOnHost(float[] array, boolean zeros) {
        synchronized (LOCK) {
            if (!closed) {
                arrays.overwrittenOnHost(array, zeros);
            }
        }
    }

    /** Records that {@code array} holds only zeros on the host (see {@link DeviceArrays#knownZero}). */
    void knownZero(float[] array) {
        synchronized (LOCK) {
            requireOpen();
            arrays.knownZero(array);
        }
    }

    /** Records that {@code array}'s values are zeros its host array does not hold yet (see {@link DeviceArrays}). */
    void zerosOwedToHost(float[] array) {
        synchronized (LOCK) {
            requireOpen();
            arrays.zerosOwedToHost(array);
        }
    }

    /** Waits for every queued kernel. */
    void finish() {
        synchronized (LOCK) {
            requireOpen();
            queue.finish();
        }
    }

    /** Copies every newer device array back to the host and releases the device. */
    void close() {
        synchronized (LOCK) {
            if (closed) {
                return;
            }
            try {
                arrays.releaseAll();
            } finally {
                closed = true;
                queue.close();
            }
        }
    }

    void requireOpen() {
        if (closed) {
            throw new IllegalStateException("OpenCL backend: used after shutdown()");
        }
    }
}
