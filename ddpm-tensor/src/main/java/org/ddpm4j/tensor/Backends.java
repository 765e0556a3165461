package org.ddpm4j.tensor;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ddpm4j.tensor.opencl.OpenClBackend;
import org.ddpm4j.tensor.opencl.OpenClDevices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the engine's backend once per JVM and logs the choice once.
 *
 * <p>System properties: {@code ddpm.backend} = {@code simd} (default) | {@code scalar} | {@code opencl};
 * {@code ddpm.threads} = worker threads for the SIMD backend (default: available processors);
 * {@code ddpm.opencl.device} chooses the OpenCL device (see {@link OpenClDevices}).
 * If {@code jdk.incubator.vector} is not in the module graph (the JVM was started without
 * {@code --add-modules jdk.incubator.vector}), the scalar backend is used with one warning; nothing touches the
 * Vector API classes before that check.
 */
public final class Backends {
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);
    private static final String SIMD_CLASS = "org.ddpm4j.tensor.simd.SimdBackend";
    /** Environment variable that turns a missing OpenCL device from a fallback into an error (CI sets it). */
    public static final String REQUIRE_OPENCL_ENV = "DDPM_REQUIRE_OPENCL";
    /** System property with the same effect as {@value #REQUIRE_OPENCL_ENV} (benchmark forks set it). */
    public static final String REQUIRE_OPENCL_PROPERTY = "ddpm.opencl.required";
    private static final AtomicBoolean OPENCL_FALLBACK_LOGGED = new AtomicBoolean();

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
     * A new backend by name ({@code simd}, {@code scalar} or {@code opencl}). Asking for {@code simd} where the
     * Vector API is not available gives the scalar backend and a warning instead of an error; asking for
     * {@code opencl} where there is no usable OpenCL device gives the SIMD backend and one warning, or an error when
     * {@value #REQUIRE_OPENCL_ENV}=1.
     *
     * @throws IllegalArgumentException for an unknown name or fewer than one thread
     */
    public static Backend create(String name, int threads) {
        if (threads < 1) {
            // Refused here: the SIMD backend's constructor would fail and the fallback would hide it behind scalar.
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
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
            case "opencl":
                return openClOrSimd(threads, openClRequired());
            default:
                throw new IllegalArgumentException("ddpm.backend: unknown backend '" + name
                        + "' (expected simd, scalar or opencl)");
        }
    }

    /** True when the Vector API incubator module is resolved in this JVM. */
    public static boolean vectorApiAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /**
     * True when the environment variable {@value #REQUIRE_OPENCL_ENV} is {@code 1} or {@code true}, or the system
     * property {@value #REQUIRE_OPENCL_PROPERTY} is {@code true}: no OpenCL device is then an error, not a fallback.
     */
    public static boolean openClRequired() {
        String value = System.getenv(REQUIRE_OPENCL_ENV);
        return value != null && (value.equals("1") || value.equalsIgnoreCase("true"))
                || Boolean.getBoolean(REQUIRE_OPENCL_PROPERTY);
    }

    /** The OpenCL backend, or (unless {@code required}) the SIMD backend with a warning logged once per JVM. */
    static Backend openClOrSimd(int threads, boolean required) {
        try {
            return OpenClBackend.create();
        } catch (IllegalStateException | LinkageError e) {
            if (required) {
                throw new IllegalStateException(REQUIRE_OPENCL_ENV + "=1 but the OpenCL backend cannot start: "
                        + e.getMessage(), e);
            }
            if (OPENCL_FALLBACK_LOGGED.compareAndSet(false, true)) {
                LOG.warn("ddpm4j: {}; using the CPU backend instead", e.getMessage());
            }
            return create("simd", threads);
        }
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
