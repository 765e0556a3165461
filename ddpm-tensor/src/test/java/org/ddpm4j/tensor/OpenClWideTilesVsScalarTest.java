package org.ddpm4j.tensor;

import org.ddpm4j.tensor.opencl.OpenClBackend;
import org.ddpm4j.tensor.opencl.WideTileBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link OpenClVsScalarTest} with the convolutions' forward and input gradient and the matrix products on the
 * 64×64-tile kernel, which the backend otherwise keeps for products too large for these tests.
 */
class OpenClWideTilesVsScalarTest extends BackendVsScalarTest {
    private static OpenClBackend openCl;

    @BeforeAll
    static void startOpenCl() {
        openCl = OpenClTestDevice.backendOrSkip(WideTileBackend::create);
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
