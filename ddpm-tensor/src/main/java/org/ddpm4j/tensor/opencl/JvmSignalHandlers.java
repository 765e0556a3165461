package org.ddpm4j.tensor.opencl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the JVM's signal handlers back after a call into an OpenCL runtime that replaced them.
 *
 * <p>An OpenCL runtime built on LLVM (PoCL among them) installs LLVM's crash handlers for SIGSEGV, SIGBUS, SIGILL,
 * SIGUSR2 and others while it starts, and PoCL its own SIGFPE handler. The JVM depends on its handlers for these: a
 * safepoint poll, an implicit null check or a division by zero in compiled code raises one of them on purpose. LLVM's
 * handlers are installed with {@code SA_RESETHAND}, so while one thread is inside LLVM's handler the signal's action
 * is the default, and a second thread's safepoint poll then ends the process with a bare "Segmentation fault". The
 * handlers in place before the call are read with {@code sigaction} and written back where the call changed them.
 * Where the C library has no {@code sigaction} (Windows), calls run unguarded.
 */
final class JvmSignalHandlers {
    private static final Logger LOG = LoggerFactory.getLogger(JvmSignalHandlers.class);
    /** The classic signals 1..31; the JVM installs no handler for a real-time signal. */
    private static final int LAST_SIGNAL = 31;
    /**
     * Bytes kept per signal: more than {@code struct sigaction} takes on Linux (152 on x86-64 and aarch64) and macOS
     * (16). Both begin with the handler's address, the one field compared: glibc fills the rest of the 128-byte mask
     * from its stack, so two reads of an unchanged action can differ there.
     */
    private static final long ACTION_BYTES = 256;
    private static final Map<Integer, String> LINUX_NAMES = Map.ofEntries(Map.entry(1, "SIGHUP"),
            Map.entry(2, "SIGINT"), Map.entry(3, "SIGQUIT"), Map.entry(4, "SIGILL"), Map.entry(5, "SIGTRAP"),
            Map.entry(6, "SIGABRT"), Map.entry(7, "SIGBUS"), Map.entry(8, "SIGFPE"), Map.entry(10, "SIGUSR1"),
            Map.entry(11, "SIGSEGV"), Map.entry(12, "SIGUSR2"), Map.entry(13, "SIGPIPE"), Map.entry(15, "SIGTERM"),
            Map.entry(24, "SIGXCPU"), Map.entry(25, "SIGXFSZ"), Map.entry(31, "SIGSYS"));
    private static final MethodHandle SIGACTION = Linker.nativeLinker().defaultLookup().find("sigaction")
            .map(symbol -> Linker.nativeLinker().downcallHandle(symbol,
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS)))
            .orElse(null);
    private static boolean reported;

    private JvmSignalHandlers() {
    }

    /** Runs {@code call}, then restores every signal handler it changed; {@code what} names the call in the log. */
    static synchronized <T> T keptAround(String what, Supplier<T> call) {
        if (SIGACTION == null) {
            return call.get();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment before = read(arena);
            try {
                return call.get();
            } finally {
                restoreChanged(what, before, arena);
            }
        }
    }

    /** The action of every signal 1..{@value #LAST_SIGNAL}, {@value #ACTION_BYTES} bytes each. */
    private static MemorySegment read(Arena arena) {
        MemorySegment actions = arena.allocate(ACTION_BYTES * LAST_SIGNAL);
        for (int signal = 1; signal <= LAST_SIGNAL; signal++) {
            sigaction(signal, MemorySegment.NULL, slot(actions, signal));
        }
        return actions;
    }

    private static void restoreChanged(String what, MemorySegment before, Arena arena) {
        MemorySegment after = read(arena);
        List<String> restored = new ArrayList<>();
        for (int signal = 1; signal <= LAST_SIGNAL; signal++) {
            MemorySegment was = slot(before, signal);
            if (handler(was) != handler(slot(after, signal))) {
                sigaction(signal, was, MemorySegment.NULL);
                restored.add(name(signal));
            }
        }
        if (restored.isEmpty()) {
            return;
        }
        String message = "{} replaced the handlers of {}; put the JVM's back, since the JVM raises some of these "
                + "signals on purpose (safepoint polls, null checks) and would otherwise end with a bare crash";
        if (reported) {
            LOG.debug(message, what, restored);
        } else {
            reported = true;
            LOG.info(message, what, restored);
        }
    }

    /** The address of the handler function, or SIG_DFL (0) or SIG_IGN (1). */
    static long handler(MemorySegment action) {
        return action.get(ADDRESS, 0).address();
    }

    private static MemorySegment slot(MemorySegment actions, int signal) {
        return actions.asSlice((signal - 1) * ACTION_BYTES, ACTION_BYTES);
    }

    private static void sigaction(int signal, MemorySegment action, MemorySegment oldAction) {
        int rc;
        try {
            rc = (int) SIGACTION.invokeExact(signal, action, oldAction);
        } catch (Throwable t) {
            throw new IllegalStateException("sigaction(" + name(signal) + ") failed", t);
        }
        // SIGKILL and SIGSTOP cannot be given a handler; reading them succeeds and they never change.
        if (rc != 0 && !action.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("sigaction could not restore the handler of " + name(signal));
        }
    }

    private static String name(int signal) {
        boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");
        return linux ? LINUX_NAMES.getOrDefault(signal, "signal " + signal) : "signal " + signal;
    }
}
