package org.ddpm4j.tensor;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Supplier;
import org.ddpm4j.tensor.opencl.OpenClBackend;
import org.ddpm4j.tensor.opencl.OpenClUnavailableException;
import org.junit.jupiter.api.Assumptions;

/** The OpenCL backend for a test class: skipped without a device, a failure when the environment requires one. */
public final class OpenClTestDevice {
    private OpenClTestDevice() {
    }

    public static OpenClBackend backendOrSkip() {
        return backendOrSkip(OpenClBackend::create);
    }

    /** The backend {@code start} creates, with the same skip rule. */
    public static OpenClBackend backendOrSkip(Supplier<OpenClBackend> start) {
        try {
            return start.get();
        } catch (OpenClUnavailableException e) {
            if (Backends.openClRequired()) {
                fail(Backends.REQUIRE_OPENCL_ENV + "=1 but " + e.getMessage(), e);
            }
            Assumptions.abort(e.getMessage() + " (set " + Backends.REQUIRE_OPENCL_ENV + "=1 to fail instead)");
            throw e;
        }
    }
}
