package org.ddpm4j.tensor;

import org.ddpm4j.tensor.opencl.WideTileBackend;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link OpenClVsScalarTest} with the convolutions and the matrix products on the 64×64-tile kernel, which the
 * backend otherwise keeps for products too large for these tests.
 */
class OpenClWideTilesVsScalarTest extends OpenClVsScalarTest {

    /** Hides {@link OpenClVsScalarTest#startOpenCl()}, so only this backend starts for this class. */
    @BeforeAll
    static void startOpenCl() {
        openCl = OpenClTestDevice.backendOrSkip(WideTileBackend::create);
    }
}
