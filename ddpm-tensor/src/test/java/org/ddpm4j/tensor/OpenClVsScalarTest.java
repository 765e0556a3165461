package org.ddpm4j.tensor;

import org.ddpm4j.tensor.opencl.OpenClBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The OpenCL backend against the scalar reference, on whatever OpenCL device the machine has (PoCL's CPU device in
 * CI). Without a device the class is skipped, unless {@code DDPM_REQUIRE_OPENCL=1} makes that a failure.
 */
class OpenClVsScalarTest extends BackendVsScalarTest {
    /** The backend under test; a subclass's own {@code startOpenCl} (hiding this one) may start another. */
    static OpenClBackend openCl;

    @BeforeAll
    static void startOpenCl() {
        openCl = OpenClTestDevice.backendOrSkip();
    }

    @AfterAll
    static void stopOpenCl() {
        if (openCl != null) {
            openCl.shutdown();
        }
    }

    @Override
    Backend candidate() {
        return openCl;
    }

    @Override
    Tolerances.Tolerance reductionTolerance() {
        return Tolerances.FLOAT_PARTIAL_REDUCTION;
    }
}
