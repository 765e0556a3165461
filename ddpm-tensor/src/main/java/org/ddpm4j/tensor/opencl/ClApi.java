package org.ddpm4j.tensor.opencl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Map;

/**
 * The OpenCL 1.2 host functions the backend calls, bound to the system's {@code libOpenCL} through the JDK's foreign
 * function API. Aparapi translates the kernels; these calls own the device buffers, so that data can stay on the
 * device from one op to the next (Aparapi's own buffers belong to one kernel object and one field).
 *
 * <p>The read and write calls are bound as critical functions that may take Java heap arrays directly: they are
 * blocking copies, called only after {@code clFinish}, so the garbage collector waits for a copy and not for kernels.
 */
final class ClApi {
    static final int CL_SUCCESS = 0;
    static final int CL_TRUE = 1;
    static final int CL_DEVICE_PLATFORM = 0x1031;
    static final int CL_CONTEXT_PLATFORM = 0x1084;
    static final int CL_PROGRAM_BUILD_LOG = 0x1183;
    static final long CL_MEM_READ_WRITE = 1L;

    private static final List<String> LIBRARY_NAMES = List.of("libOpenCL.so.1", System.mapLibraryName("OpenCL"),
            "/System/Library/Frameworks/OpenCL.framework/OpenCL");
    private static final Map<Integer, String> ERROR_NAMES = Map.ofEntries(
            Map.entry(-1, "CL_DEVICE_NOT_FOUND"), Map.entry(-2, "CL_DEVICE_NOT_AVAILABLE"),
            Map.entry(-3, "CL_COMPILER_NOT_AVAILABLE"), Map.entry(-4, "CL_MEM_OBJECT_ALLOCATION_FAILURE"),
            Map.entry(-5, "CL_OUT_OF_RESOURCES"), Map.entry(-6, "CL_OUT_OF_HOST_MEMORY"),
            Map.entry(-11, "CL_BUILD_PROGRAM_FAILURE"), Map.entry(-30, "CL_INVALID_VALUE"),
            Map.entry(-33, "CL_INVALID_DEVICE"), Map.entry(-34, "CL_INVALID_CONTEXT"),
            Map.entry(-36, "CL_INVALID_COMMAND_QUEUE"), Map.entry(-38, "CL_INVALID_MEM_OBJECT"),
            Map.entry(-44, "CL_INVALID_PROGRAM"), Map.entry(-46, "CL_INVALID_KERNEL_NAME"),
            Map.entry(-48, "CL_INVALID_KERNEL"), Map.entry(-49, "CL_INVALID_ARG_INDEX"),
            Map.entry(-50, "CL_INVALID_ARG_VALUE"), Map.entry(-51, "CL_INVALID_ARG_SIZE"),
            Map.entry(-52, "CL_INVALID_KERNEL_ARGS"), Map.entry(-54, "CL_INVALID_WORK_GROUP_SIZE"),
            Map.entry(-55, "CL_INVALID_WORK_ITEM_SIZE"), Map.entry(-61, "CL_INVALID_BUFFER_SIZE"));

    private static ClApi loaded;

    final MethodHandle getDeviceInfo;
    final MethodHandle createContext;
    final MethodHandle createCommandQueue;
    final MethodHandle createProgramWithSource;
    final MethodHandle buildProgram;
    final MethodHandle getProgramBuildInfo;
    final MethodHandle createKernel;
    final MethodHandle setKernelArg;
    final MethodHandle enqueueNDRangeKernel;
    final MethodHandle createBuffer;
    final MethodHandle enqueueWriteBuffer;
    final MethodHandle enqueueReadBuffer;
    final MethodHandle enqueueFillBuffer;
    final MethodHandle finish;
    final MethodHandle releaseMemObject;
    final MethodHandle releaseKernel;
    final MethodHandle releaseProgram;
    final MethodHandle releaseCommandQueue;
    final MethodHandle releaseContext;

    private ClApi(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        Binder b = new Binder(lib, linker);
        getDeviceInfo = b.bind("clGetDeviceInfo", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG,
                ADDRESS, ADDRESS));
        createContext = b.bind("clCreateContext", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS,
                ADDRESS, ADDRESS, ADDRESS));
        createCommandQueue = b.bind("clCreateCommandQueue", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS,
                JAVA_LONG, ADDRESS));
        createProgramWithSource = b.bind("clCreateProgramWithSource", FunctionDescriptor.of(ADDRESS, ADDRESS,
                JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        buildProgram = b.bind("clBuildProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS,
                ADDRESS, ADDRESS, ADDRESS));
        getProgramBuildInfo = b.bind("clGetProgramBuildInfo", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS,
                JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS));
        createKernel = b.bind("clCreateKernel", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        setKernelArg = b.bind("clSetKernelArg", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG,
                ADDRESS));
        enqueueNDRangeKernel = b.bind("clEnqueueNDRangeKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS,
                JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        createBuffer = b.bind("clCreateBuffer", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG,
                ADDRESS, ADDRESS));
        FunctionDescriptor copy = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG,
                ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        enqueueWriteBuffer = b.bindCritical("clEnqueueWriteBuffer", copy);
        enqueueReadBuffer = b.bindCritical("clEnqueueReadBuffer", copy);
        enqueueFillBuffer = b.bind("clEnqueueFillBuffer", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS,
                JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
        FunctionDescriptor oneHandle = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        finish = b.bind("clFinish", oneHandle);
        releaseMemObject = b.bind("clReleaseMemObject", oneHandle);
        releaseKernel = b.bind("clReleaseKernel", oneHandle);
        releaseProgram = b.bind("clReleaseProgram", oneHandle);
        releaseCommandQueue = b.bind("clReleaseCommandQueue", oneHandle);
        releaseContext = b.bind("clReleaseContext", oneHandle);
    }

    /**
     * The bound functions of the first OpenCL library found.
     *
     * @throws OpenClUnavailableException when no library loads or it lacks one of the functions
     */
    static synchronized ClApi load() {
        if (loaded == null) {
            loaded = new ClApi(findLibrary());
        }
        return loaded;
    }

    private static SymbolLookup findLibrary() {
        StringBuilder tried = new StringBuilder();
        for (String name : LIBRARY_NAMES) {
            try {
                return SymbolLookup.libraryLookup(name, Arena.global());
            } catch (IllegalArgumentException e) {
                tried.append(tried.isEmpty() ? "" : ", ").append(name);
            }
        }
        throw new OpenClUnavailableException("no OpenCL library could be loaded (tried " + tried
                + "; on Debian install ocl-icd-libopencl1)");
    }

    /** Throws {@link ClException} naming {@code call} unless {@code status} is {@code CL_SUCCESS}. */
    static void check(int status, String call) {
        if (status != CL_SUCCESS) {
            throw new ClException(call, status, ERROR_NAMES.getOrDefault(status, "OpenCL error"));
        }
    }

    /** Invokes a handle that returns a status, wrapping the checked {@code Throwable} of {@code invokeExact}. */
    static int status(MethodHandle h, String call, Object... args) {
        int status;
        try {
            status = (int) h.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(call + " failed", t);
        }
        check(status, call);
        return status;
    }

    /** Invokes a handle that returns an object handle and reports its status through {@code errorOut}. */
    static MemorySegment handle(MethodHandle h, String call, MemorySegment errorOut, Object... args) {
        MemorySegment result;
        try {
            result = (MemorySegment) h.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(call + " failed", t);
        }
        check(errorOut.get(JAVA_INT, 0), call);
        return result;
    }

    private record Binder(SymbolLookup lib, Linker linker) {
        MethodHandle bind(String name, FunctionDescriptor fd) {
            return linker.downcallHandle(symbol(name), fd);
        }

        MethodHandle bindCritical(String name, FunctionDescriptor fd) {
            return linker.downcallHandle(symbol(name), fd, Linker.Option.critical(true));
        }

        private MemorySegment symbol(String name) {
            return lib.find(name).orElseThrow(() -> new OpenClUnavailableException("the OpenCL library has no "
                    + name + " (an OpenCL 1.2 library is needed)"));
        }
    }
}
