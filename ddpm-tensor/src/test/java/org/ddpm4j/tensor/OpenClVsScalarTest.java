package org.ddpm4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ddpm4j.tensor.opencl.OpenClBackend;
import org.ddpm4j.tensor.opencl.Transfers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenCL backend against the scalar reference, on whatever OpenCL device the machine has (PoCL's CPU device in
 * CI). Without a device the class is skipped, unless {@code DDPM_REQUIRE_OPENCL=1} makes that a failure.
 */
class OpenClVsScalarTest extends BackendVsScalarTest {
    private static OpenClBackend openCl;

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

    @Test
    void countsTheBytesEachOpMoves() {
        Tensor a = Tensor.zeros(1000).fill(1f), b = Tensor.zeros(1000).fill(2f), out = Tensor.zeros(1000);
        Transfers before = openCl.transfers();
        openCl.add(a, b, out);
        Transfers add = openCl.transfers().since(before);
        assertEquals(2 * 4000, add.bytesToDevice(), "add uploads its two inputs");
        assertEquals(4000, add.bytesToHost(), "add downloads its output");
        before = openCl.transfers();
        openCl.axpy(0.5f, a, out);
        Transfers axpy = openCl.transfers().since(before);
        assertEquals(2 * 4000, axpy.bytesToDevice(), "axpy uploads x and the accumulator");
        assertEquals(4000, axpy.bytesToHost(), "axpy downloads the accumulator");
        assertEquals(24000, add.totalBytes() + axpy.totalBytes(), "totals");
        assertTrue(openCl.describe().startsWith("opencl on "), openCl.describe());
    }
}
