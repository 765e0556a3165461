package org.ddpm4j.bench.compare;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/** How long this JVM's JIT compilers have worked so far: it stops growing once the code being timed is compiled. */
public final class JitActivity {
    private static final CompilationMXBean COMPILER = ManagementFactory.getCompilationMXBean();

    private JitActivity() {
    }

    /** Total compilation ms so far, or 0 when the JVM has no JIT or does not count its time (always quiet then). */
    public static long compileMillis() {
        return COMPILER != null && COMPILER.isCompilationTimeMonitoringSupported()
                ? COMPILER.getTotalCompilationTime() : 0;
    }
}
