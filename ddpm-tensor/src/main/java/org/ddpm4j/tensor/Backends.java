package org.ddpm4j.tensor;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the engine's backend once per JVM and logs the choice once.
 *
 * <p>System properties: {@code ddpm.backend} = {@code simd} (default) | {@code scalar};
 * {@code ddpm.threads} = worker threads for the SIMD backend (default: available processors).
 * If {@code jdk.incubator.vector} is not in the module graph (the JVM was started without
 * {@code --add-modules jdk.incubator.vector}), the scalar backend is used with one warning; nothing touches the
 * Vector API classes before that check.
 */
public final class Backends {
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);
    private static final String SIMD_CLASS = "org.ddpm4j.tensor.simd.SimdBackend";

    private static volatile Backend defaultBackend;

    private Backends() {
    }

    /** The JVM-wide default backend, created on first use from the system properties. */
    public static Backend getDefault() {
        Backend b = defaultBackend;
        if (b == null) {
            synchronized (Backends.class) {
                b = defaultBackend;
                if (b == null) {
                    b = create(System.getProperty("ddpm.backend", "simd"), configuredThreads());
                    LOG.info("ddpm4j backend: {}", b.describe());
                    defaultBackend = b;
                }
            }
        }
        return b;
    }

    /**
     * A new backend by name ({@code simd} or {@code scalar}). Asking for {@code simd} where the Vector API is not
     * available gives the scalar backend and a warning instead of an error.
     */
    public static Backend create(String name, int threads) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "scalar":
                return new ScalarBackend();
            case "simd":
                if (!vectorApiAvailable()) {
                    LOG.warn("ddpm4j: jdk.incubator.vector is not in the module graph, using the scalar backend "
                            + "(much slower); start the JVM with --add-modules jdk.incubator.vector");
                    return new ScalarBackend();
                }
                return newSimd(threads);
            default:
                throw new IllegalArgumentException("ddpm.backend: unknown backend '" + name
                        + "' (expected simd or scalar)");
        }
    }

    /** True when the Vector API incubator module is resolved in this JVM. */
    public static boolean vectorApiAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** Threads from {@code ddpm.threads}, or the number of available processors. */
    public static int configuredThreads() {
        String value = System.getProperty("ddpm.threads");
        if (value == null || value.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int threads = Integer.parseInt(value.trim());
            if (threads < 1) {
                throw new NumberFormatException();
            }
            return threads;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ddpm.threads must be a positive integer but was '" + value + "'");
        }
    }

    private static Backend newSimd(int threads) {
        try {
            return (Backend) Class.forName(SIMD_CLASS).getConstructor(int.class).newInstance(threads);
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.warn("ddpm4j: the SIMD backend failed to start ({}), using the scalar backend", e.toString());
            return new ScalarBackend();
        }
    }
}
