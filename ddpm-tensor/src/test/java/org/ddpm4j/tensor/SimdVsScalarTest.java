package org.ddpm4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The SIMD backend against the scalar reference. */
class SimdVsScalarTest extends BackendVsScalarTest {
    /** Three threads: an odd split of every range, with a chunk that the calling thread runs itself. */
    private static Backend simd;

    @BeforeAll
    static void startSimd() {
        simd = Backends.create("simd", 3);
        assertEquals("simd", simd.name(), "the Vector API must be available to this test JVM");
    }

    @AfterAll
    static void stopSimd() {
        simd.shutdown();
    }

    @Override
    Backend candidate() {
        return simd;
    }
}
