package org.ddpm4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ddpm4j.tensor.opencl.OpenClDevices;
import org.junit.jupiter.api.Test;

/** Asking for OpenCL where there is no (matching) device: the CPU backend, or an error when OpenCL is required. */
class OpenClChoiceTest {

    @Test
    void noMatchingDeviceFallsBackToTheCpuUnlessRequired() {
        String saved = System.getProperty(OpenClDevices.DEVICE_PROPERTY);
        System.setProperty(OpenClDevices.DEVICE_PROPERTY, "no-such-device-xyz");
        try {
            Backend fallback = Backends.openClOrSimd(2, false);
            assertEquals("simd", fallback.name());
            fallback.shutdown();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.openClOrSimd(2, true));
            assertTrue(e.getMessage().contains(Backends.REQUIRE_OPENCL_ENV) && e.getMessage().contains("no-such-device-xyz"),
                    e.getMessage());
        } finally {
            if (saved == null) {
                System.clearProperty(OpenClDevices.DEVICE_PROPERTY);
            } else {
                System.setProperty(OpenClDevices.DEVICE_PROPERTY, saved);
            }
        }
    }

    @Test
    void unknownBackendNamesTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.create("cuda", 1));
        assertTrue(e.getMessage().contains("opencl"), e.getMessage());
    }
}
