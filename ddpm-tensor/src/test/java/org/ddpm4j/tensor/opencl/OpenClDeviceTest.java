package org.ddpm4j.tensor.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aparapi.device.OpenCLDevice;
import java.util.List;
import org.ddpm4j.tensor.OpenClTestDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Device choice, and the refusal to pass Aparapi's Java fallback off as OpenCL. */
class OpenClDeviceTest {
    private static OpenClBackend backend;

    @BeforeAll
    static void start() {
        backend = OpenClTestDevice.backendOrSkip();
    }

    @AfterAll
    static void stop() {
        if (backend != null) {
            backend.shutdown();
        }
    }

    @Test
    void selectsByTypeIndexAndName() {
        List<OpenCLDevice> devices = OpenClDevices.list();
        OpenCLDevice first = devices.get(0);
        assertEquals(first, OpenClDevices.select(null), "no property: the first device (GPUs sort first)");
        assertEquals(first, OpenClDevices.select("0"));
        assertEquals(first.getType(), OpenClDevices.select(first.getType().name().toLowerCase()).getType());
        String name = first.getName().trim();
        assertEquals(first, OpenClDevices.select(name.substring(0, Math.min(4, name.length())).toUpperCase()));
    }

    @Test
    void anUnknownDeviceNamesTheOnesThereAre() {
        OpenClUnavailableException e = assertThrows(OpenClUnavailableException.class,
                () -> OpenClDevices.select("no-such-device-xyz"));
        assertTrue(e.getMessage().contains("no-such-device-xyz"), e.getMessage());
        assertTrue(e.getMessage().contains(OpenClDevices.list().get(0).getName().trim()), e.getMessage());
    }

    /** Aparapi cannot translate {@code new}; it then runs the kernel on its Java thread pool. */
    static final class UntranslatableKernel extends DeviceKernel {
        float[] out = new float[4];

        UntranslatableKernel(OpenCLDevice device) {
            super(device, new TransferCounter());
        }

        @Override
        public void run() {
            float[] scratch = new float[1];
            out[getGlobalId() % 4] = scratch.length;
        }
    }

    @Test
    void aJavaFallbackIsReportedNotMistakenForOpenCl() {
        UntranslatableKernel k = new UntranslatableKernel(backend.device());
        try {
            OpenClFallbackException e = assertThrows(OpenClFallbackException.class, () -> k.launch(4, 1));
            assertTrue(e.getMessage().contains("UntranslatableKernel"), e.getMessage());
            assertFalse(k.isRunningCL());
        } finally {
            k.dispose();
        }
    }
}
