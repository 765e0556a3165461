package org.ddpm4j.tensor.opencl;

import com.aparapi.Kernel;
import com.aparapi.Range;
import com.aparapi.device.OpenCLDevice;

/**
 * Host-side plumbing shared by the engine's Aparapi kernels: explicit buffer transfers that are counted, launches
 * over a padded range, and the check that Aparapi really ran OpenCL.
 *
 * <p>Kernels run in Aparapi's explicit mode: nothing moves unless {@link #upload} or {@link #download} says so. Each
 * op uploads its inputs (and the gradient buffers it accumulates into), runs all its passes, and downloads only what
 * it writes, so intermediates such as attention's score gradients never leave the device. Data cannot stay on the
 * device <em>between</em> ops: a {@code Tensor} is a host {@code float[]} that any layer may read or write, and an
 * Aparapi buffer belongs to one kernel instance and one array.
 *
 * <p>Subclasses hold their arguments in fields and are used under {@code synchronized (kernel)}, so one backend can
 * serve several threads. Only {@code run()} and what it calls are translated to OpenCL C; the methods here stay on
 * the host.
 */
abstract class DeviceKernel extends Kernel {
    /** Work-group size of every launch: a multiple of every GPU's SIMD width, below every device's limit. */
    static final int GROUP_SIZE = 64;

    private final OpenCLDevice device;
    private final TransferCounter transfers;

    DeviceKernel(OpenCLDevice device, TransferCounter transfers) {
        this.device = device;
        this.transfers = transfers;
        setExplicit(true);
    }

    /** Copies a host array to the device before the next launch. */
    final void upload(float[] array) {
        put(array);
        transfers.toDevice(array.length);
    }

    /** Copies a device array back into the host array after a launch. */
    final void download(float[] array) {
        get(array);
        transfers.toHost(array.length);
    }

    /**
     * Runs {@code passes} passes of this kernel over at least {@code items} work items (padded to whole work groups;
     * {@code run()} ignores ids past its own count). Passes run in order with a global barrier between them.
     *
     * @throws OpenClFallbackException when Aparapi ran the kernel on a Java fallback instead of the OpenCL device
     */
    final void launch(int items, int passes) {
        if (items == 0) {
            return;
        }
        int padded = (items + GROUP_SIZE - 1) / GROUP_SIZE * GROUP_SIZE;
        try {
            execute(Range.create(device, padded, GROUP_SIZE), passes);
        } catch (AssertionError e) {
            // With assertions enabled Aparapi asserts instead of falling back when a range names a device it
            // could not use; without them it falls back silently and isRunningCL() below tells.
            throw new OpenClFallbackException(getClass().getSimpleName(), "nothing (" + e.getMessage() + ")");
        }
        if (!isRunningCL()) {
            throw new OpenClFallbackException(getClass().getSimpleName(), String.valueOf(getTargetDevice()));
        }
    }
}
