package org.ddpm4j.tensor.opencl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An OpenCL context with one in-order command queue on one device: buffers, programs, kernel launches and
 * host↔device copies. In-order execution is what makes a multi-pass kernel correct: pass k+1 starts after pass k.
 * Not thread-safe; {@link DeviceRuntime} serialises its callers.
 */
final class ClQueue implements AutoCloseable {
    private final ClApi cl;
    private final MemorySegment device;
    private final MemorySegment context;
    private final MemorySegment queue;
    private final List<MemorySegment> programs = new ArrayList<>();
    private final List<MemorySegment> kernels = new ArrayList<>();
    /** Reused argument and work-size scratch for launches (8-byte slots). */
    private final MemorySegment scratch = Arena.global().allocate(JAVA_LONG, 4);
    private boolean closed;

    ClQueue(ClApi cl, long deviceId) {
        this.cl = cl;
        this.device = MemorySegment.ofAddress(deviceId);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = arena.allocate(JAVA_INT);
            MemorySegment platform = arena.allocate(ADDRESS);
            ClApi.status(cl.getDeviceInfo, "clGetDeviceInfo(CL_DEVICE_PLATFORM)", device, ClApi.CL_DEVICE_PLATFORM,
                    ADDRESS.byteSize(), platform, MemorySegment.NULL);
            MemorySegment properties = arena.allocate(JAVA_LONG, 3);
            properties.setAtIndex(JAVA_LONG, 0, ClApi.CL_CONTEXT_PLATFORM);
            properties.setAtIndex(JAVA_LONG, 1, platform.get(ADDRESS, 0).address());
            MemorySegment devices = arena.allocate(ADDRESS);
            devices.set(ADDRESS, 0, device);
            context = ClApi.handle(cl.createContext, "clCreateContext", err, properties, 1, devices,
                    MemorySegment.NULL, MemorySegment.NULL, err);
            queue = ClApi.handle(cl.createCommandQueue, "clCreateCommandQueue", err, context, device, 0L, err);
        }
    }

    /**
     * Compiles {@code source} and returns its kernel {@code name}.
     *
     * @throws ClException with the compiler's log when the build fails
     */
    MemorySegment kernel(String source, String name, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = arena.allocate(JAVA_INT);
            MemorySegment strings = arena.allocate(ADDRESS);
            strings.set(ADDRESS, 0, arena.allocateFrom(source, StandardCharsets.UTF_8));
            MemorySegment program = ClApi.handle(cl.createProgramWithSource, "clCreateProgramWithSource", err,
                    context, 1, strings, MemorySegment.NULL, err);
            programs.add(program);
            MemorySegment devices = arena.allocate(ADDRESS);
            devices.set(ADDRESS, 0, device);
            MemorySegment options = arena.allocateFrom("");
            try {
                JvmSignalHandlers.keptAround("the OpenCL compiler, building " + what, () -> ClApi.status(
                        cl.buildProgram, "clBuildProgram", program, 1, devices, options, MemorySegment.NULL,
                        MemorySegment.NULL));
            } catch (ClException e) {
                throw new ClException("OpenCL could not compile kernel " + what + " (" + e.getMessage() + "):\n"
                        + buildLog(program, arena));
            }
            MemorySegment kernel = ClApi.handle(cl.createKernel, "clCreateKernel(" + name + ")", err, program,
                    arena.allocateFrom(name), err);
            kernels.add(kernel);
            return kernel;
        }
    }

    private String buildLog(MemorySegment program, Arena arena) {
        MemorySegment size = arena.allocate(JAVA_LONG);
        ClApi.status(cl.getProgramBuildInfo, "clGetProgramBuildInfo", program, device, ClApi.CL_PROGRAM_BUILD_LOG,
                0L, MemorySegment.NULL, size);
        MemorySegment log = arena.allocate(Math.max(1, size.get(JAVA_LONG, 0)));
        ClApi.status(cl.getProgramBuildInfo, "clGetProgramBuildInfo", program, device, ClApi.CL_PROGRAM_BUILD_LOG,
                log.byteSize(), log, MemorySegment.NULL);
        return log.getString(0, StandardCharsets.UTF_8);
    }

    /** A new device buffer of {@code bytes} bytes, contents undefined. */
    MemorySegment buffer(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = arena.allocate(JAVA_INT);
            return ClApi.handle(cl.createBuffer, "clCreateBuffer(" + bytes + " bytes)", err, context,
                    ClApi.CL_MEM_READ_WRITE, bytes, MemorySegment.NULL, err);
        }
    }

    void release(MemorySegment buffer) {
        ClApi.status(cl.releaseMemObject, "clReleaseMemObject", buffer);
    }

    /** Copies the first {@code count} floats of {@code src} into {@code buffer}; returns when the copy is done. */
    void write(MemorySegment buffer, float[] src, int count) {
        copy(cl.enqueueWriteBuffer, "clEnqueueWriteBuffer", buffer, src, count);
    }

    /** Copies the first {@code count} floats of {@code buffer} into {@code dst} after all queued work. */
    void read(MemorySegment buffer, float[] dst, int count) {
        finish();
        copy(cl.enqueueReadBuffer, "clEnqueueReadBuffer", buffer, dst, count);
    }

    /** A blocking copy between a device buffer and a heap array (a critical call: see {@link ClApi}). */
    private void copy(MethodHandle enqueue, String call, MemorySegment buffer, float[] array, int count) {
        int status;
        try {
            status = (int) enqueue.invokeExact(queue, buffer, ClApi.CL_TRUE, 0L, 4L * count,
                    MemorySegment.ofArray(array), 0, MemorySegment.NULL, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t, call);
        }
        ClApi.check(status, call + "(" + count + " floats)");
    }

    /** Enqueues setting the first {@code bytes} bytes of {@code buffer} to zero, on the device. */
    void zero(MemorySegment buffer, long bytes) {
        MemorySegment pattern = scratch.asSlice(0, 4);
        pattern.set(JAVA_INT, 0, 0);
        int status;
        try {
            status = (int) cl.enqueueFillBuffer.invokeExact(queue, buffer, pattern, 4L, 0L, bytes, 0,
                    MemorySegment.NULL, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t, "clEnqueueFillBuffer");
        }
        ClApi.check(status, "clEnqueueFillBuffer(" + bytes + " bytes)");
    }

    /** Sets argument {@code index} to a device buffer. */
    void argBuffer(MemorySegment kernel, int index, MemorySegment buffer) {
        scratch.set(ADDRESS, 0, buffer);
        setArg(kernel, index, ADDRESS.byteSize(), scratch);
    }

    void argInt(MemorySegment kernel, int index, int value) {
        scratch.set(JAVA_INT, 0, value);
        setArg(kernel, index, 4, scratch);
    }

    void argFloat(MemorySegment kernel, int index, float value) {
        scratch.set(JAVA_FLOAT, 0, value);
        setArg(kernel, index, 4, scratch);
    }

    void argLong(MemorySegment kernel, int index, long value) {
        scratch.set(JAVA_LONG, 0, value);
        setArg(kernel, index, 8, scratch);
    }

    /** A {@code __local} argument of {@code bytes} bytes per work group. */
    void argLocal(MemorySegment kernel, int index, long bytes) {
        setArg(kernel, index, bytes, MemorySegment.NULL);
    }

    private void setArg(MemorySegment kernel, int index, long size, MemorySegment value) {
        int status;
        try {
            status = (int) cl.setKernelArg.invokeExact(kernel, index, size, value);
        } catch (Throwable t) {
            throw rethrow(t, "clSetKernelArg");
        }
        ClApi.check(status, "clSetKernelArg(" + index + ")");
    }

    /** Enqueues {@code kernel} over {@code global} work items in groups of {@code local}. */
    void launch(MemorySegment kernel, long global, long local) {
        MemorySegment sizes = scratch.asSlice(16, 16);
        sizes.set(JAVA_LONG, 0, global);
        sizes.set(JAVA_LONG, 8, local);
        int status;
        try {
            status = (int) cl.enqueueNDRangeKernel.invokeExact(queue, kernel, 1, MemorySegment.NULL,
                    sizes.asSlice(0, 8), sizes.asSlice(8, 8), 0, MemorySegment.NULL, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t, "clEnqueueNDRangeKernel");
        }
        ClApi.check(status, "clEnqueueNDRangeKernel(" + global + " items)");
    }

    /** Waits for all queued work. */
    void finish() {
        int status;
        try {
            status = (int) cl.finish.invokeExact(queue);
        } catch (Throwable t) {
            throw rethrow(t, "clFinish");
        }
        ClApi.check(status, "clFinish");
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        finish();
        for (MemorySegment k : kernels) {
            ClApi.status(cl.releaseKernel, "clReleaseKernel", k);
        }
        for (MemorySegment p : programs) {
            ClApi.status(cl.releaseProgram, "clReleaseProgram", p);
        }
        ClApi.status(cl.releaseCommandQueue, "clReleaseCommandQueue", queue);
        ClApi.status(cl.releaseContext, "clReleaseContext", context);
    }

    private static RuntimeException rethrow(Throwable t, String call) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(call + " failed", t);
    }
}
