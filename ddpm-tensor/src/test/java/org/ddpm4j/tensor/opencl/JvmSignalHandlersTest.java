package org.ddpm4j.tensor.opencl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.Map;
import org.ddpm4j.tensor.OpenClTestDevice;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JVM keeps its own handlers for the signals it raises on purpose, whatever an OpenCL runtime installs while it
 * starts or compiles. Linux signal numbers; elsewhere these tests are skipped.
 */
class JvmSignalHandlersTest {
    private static final int SIGXCPU = 24;
    /** Signals the JVM raises in compiled code and must handle itself (Linux numbers). */
    private static final Map<Integer, String> JVM_SIGNALS = Map.of(4, "SIGILL", 7, "SIGBUS", 8, "SIGFPE", 11,
            "SIGSEGV");
    private static final long ACTION_BYTES = 256;
    private static final MemorySegment SIG_IGN = MemorySegment.ofAddress(1);
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SIGACTION = LINKER.downcallHandle(LINKER.defaultLookup().find("sigaction")
            .orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle DLADDR = LINKER.downcallHandle(LINKER.defaultLookup().find("dladdr")
            .orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    @BeforeEach
    void onLinux() {
        Assumptions.assumeTrue(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux"),
                "signal numbers and dladdr are Linux's here");
    }

    @Test
    void aHandlerTheCallReplacedIsPutBackEvenWhenTheCallThrows() throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            long before = JvmSignalHandlers.handler(action(arena, SIGXCPU));
            String result = JvmSignalHandlers.keptAround("a test", () -> {
                ignore(SIGXCPU);
                return "ran";
            });
            assertEquals("ran", result);
            assertEquals(before, JvmSignalHandlers.handler(action(arena, SIGXCPU)), "SIGXCPU's handler after the call");

            assertThrows(IllegalStateException.class, () -> JvmSignalHandlers.keptAround("a failing test", () -> {
                ignore(SIGXCPU);
                throw new IllegalStateException("the call fails");
            }));
            assertEquals(before, JvmSignalHandlers.handler(action(arena, SIGXCPU)), "after a failed call");
        }
    }

    /**
     * Starting the OpenCL runtime, building kernels and running them leaves the JVM's handlers in place. PoCL's LLVM
     * replaces them on its first start in a process, whichever test class that is in, so the check is on whose
     * handler is installed (the JVM's library) rather than on a before/after difference.
     */
    @Test
    void theOpenClRuntimeLeavesTheJvmsHandlersInPlace() throws Throwable {
        OpenClBackend backend = OpenClTestDevice.backendOrSkip();
        try {
            Tensor a = Tensor.of(new float[] {1, -2, 3, 4}, 2, 2), b = Tensor.of(new float[] {5, 6, 7, 8}, 2, 2);
            Tensor sum = Tensor.zeros(2, 2);
            backend.add(a, b, sum);
            assertEquals(6f, sum.get(0), 0f);
        } finally {
            backend.shutdown();
        }
        try (Arena arena = Arena.ofConfined()) {
            for (Map.Entry<Integer, String> signal : JVM_SIGNALS.entrySet()) {
                String library = libraryOf(action(arena, signal.getKey()).get(ADDRESS, 0), arena);
                assertTrue(library.contains("libjvm"), signal.getValue() + "'s handler is in " + library);
            }
        }
    }

    private static MemorySegment action(Arena arena, int signal) throws Throwable {
        MemorySegment action = arena.allocate(ACTION_BYTES);
        assertEquals(0, (int) SIGACTION.invokeExact(signal, MemorySegment.NULL, action));
        return action;
    }

    private static void ignore(int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment action = arena.allocate(ACTION_BYTES);
            action.set(ADDRESS, 0, SIG_IGN);
            assertEquals(0, (int) SIGACTION.invokeExact(signal, action, MemorySegment.NULL));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** The file name of the shared library holding {@code code}, by {@code dladdr}. */
    private static String libraryOf(MemorySegment code, Arena arena) throws Throwable {
        MemorySegment info = arena.allocate(4 * JAVA_LONG.byteSize());
        if ((int) DLADDR.invokeExact(code, info) == 0) {
            return "no library (address " + Long.toHexString(code.address()) + ")";
        }
        return info.get(ADDRESS, 0).reinterpret(4096).getString(0);
    }
}
