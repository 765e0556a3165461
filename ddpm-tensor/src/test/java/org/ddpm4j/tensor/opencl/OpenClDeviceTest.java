package org.ddpm4j.tensor.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aparapi.device.OpenCLDevice;
import java.util.List;
import org.ddpm4j.tensor.OpenClTestDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Device choice, and the refusal to run a kernel Aparapi cannot translate anywhere but on the device. */
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

    /** Aparapi cannot translate {@code new}; its own runtime would then run the kernel on a Java thread pool. */
    static final class UntranslatableKernel extends DeviceKernel {
        float[] out = new float[4];

        UntranslatableKernel(DeviceRuntime runtime) {
            super(runtime);
        }

        @Override
        public void run() {
            float[] scratch = new float[1];
            out[getGlobalId() % 4] = scratch.length;
        }
    }

    @Test
    void anUntranslatableKernelIsReportedNotRunInJava() {
        UntranslatableKernel k = new UntranslatableKernel(backend.runtime());
        float[] before = k.out.clone();
        KernelTranslationException e;
        synchronized (DeviceRuntime.LOCK) {
            e = assertThrows(KernelTranslationException.class, () -> k.launch(4, 1));
        }
        assertTrue(e.getMessage().contains("UntranslatableKernel"), e.getMessage());
        assertArrayEquals(before, k.out, "nothing ran");
    }
}
