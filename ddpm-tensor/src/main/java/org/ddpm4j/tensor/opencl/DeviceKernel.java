package org.ddpm4j.tensor.opencl;

import com.aparapi.Kernel;
import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.ddpm4j.tensor.opencl.DeviceRuntime.CompiledKernel;
import org.ddpm4j.tensor.opencl.TranslatedKernel.Parameter;

/**
 * Base of the engine's kernels. A kernel is written in Java as an Aparapi {@link Kernel}: {@code run()} and what it
 * calls are translated to OpenCL C by Aparapi ({@link TranslatedKernel}); the fields are the arguments. The launch
 * is ours ({@link DeviceRuntime}): each {@code float[]} field is bound to that array's device copy, which is uploaded
 * only when the host's is newer, and arrays the kernel writes stay on the device until the host asks for them.
 *
 * <p>Before {@link #launch}, an op names what the kernel writes: {@link #writes} for arrays it overwrites entirely
 * (no upload needed), {@link #updates} for arrays it reads and writes. Ops set the fields and launch under the
 * runtime's lock.
 */
abstract class DeviceKernel extends Kernel {
    /** Work-group size of every launch: a multiple of every GPU's SIMD width, below every device's limit. */
    static final int GROUP_SIZE = 64;

    private final DeviceRuntime runtime;
    private final Set<float[]> overwritten = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<float[]> updated = Collections.newSetFromMap(new IdentityHashMap<>());

    DeviceKernel(DeviceRuntime runtime) {
        this.runtime = runtime;
    }

    /** The next launch overwrites every element of {@code array}: its device copy is not uploaded first. */
    final void writes(float[] array) {
        overwritten.add(array);
    }

    /** The next launch reads and writes {@code array}. */
    final void updates(float[] array) {
        updated.add(array);
    }

    /** {@link #updates} when the launch reads {@code array} too (accumulates or works in place), else {@link #writes}. */
    final void output(float[] array, boolean readsToo) {
        if (readsToo) {
            updates(array);
        } else {
            writes(array);
        }
    }

    /** Copies {@code array} to the host if the device's copy is newer (for results the host itself reads). */
    final void readBack(float[] array) {
        runtime.arrays().toHost(array);
    }

    /**
     * Runs {@code passes} passes of this kernel over at least {@code items} work items (padded to whole work groups;
     * {@code run()} ignores ids past its own count). Passes run in order, each after the previous one finished.
     *
     * @throws KernelTranslationException when Aparapi cannot translate the kernel
     * @throws ClException                when OpenCL cannot build or run it
     */
    final void launch(int items, int passes) {
        try {
            if (items > 0) {
                enqueue(runtime.compiled(this), items, passes);
            }
        } finally {
            runtime.arrays().unpinAll();
            overwritten.clear();
            updated.clear();
        }
    }

    private void enqueue(CompiledKernel ck, int items, int passes) {
        ClQueue queue = runtime.queue();
        DeviceArrays arrays = runtime.arrays();
        MemorySegment kernel = ck.kernel();
        int passArgument = -1;
        int index = 0;
        for (Parameter p : ck.translated().parameters()) {
            switch (p.kind()) {
                case GLOBAL_FLOATS -> {
                    float[] array = (float[]) value(p);
                    boolean skipUpload = overwritten.contains(array) && !updated.contains(array);
                    queue.argBuffer(kernel, index, skipUpload ? arrays.overwritten(array) : arrays.current(array));
                }
                case LOCAL_FLOATS -> queue.argLocal(kernel, index, 4L * ((float[]) value(p)).length);
                case INT -> queue.argInt(kernel, index, (int) value(p));
                case FLOAT -> queue.argFloat(kernel, index, (float) value(p));
                case LONG -> queue.argLong(kernel, index, (long) value(p));
                case PASS -> passArgument = index;
            }
            index++;
        }
        long padded = (items + GROUP_SIZE - 1L) / GROUP_SIZE * GROUP_SIZE;
        for (int pass = 0; pass < passes; pass++) {
            if (passArgument >= 0) {
                queue.argInt(kernel, passArgument, pass);
            }
            queue.launch(kernel, padded, GROUP_SIZE);
        }
        for (float[] array : overwritten) {
            arrays.written(array);
        }
        for (float[] array : updated) {
            arrays.written(array);
        }
    }

    private Object value(Parameter p) {
        try {
            return p.field().get(this);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("kernel field " + p.name() + " is not accessible", e);
        }
    }
}
