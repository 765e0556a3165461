package org.ddpm4j.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.ddpm4j.tensor.opencl.OpenClDevices;
import org.junit.jupiter.api.Test;

/** {@code ddpm check}: the op check's table and verdict, and no fallback in place of the backend asked for. */
class CheckCommandTest {
    @Test
    void theSimdBackendPassesAndTheTableNamesEveryOutput() throws Exception {
        CliRun run = CliRun.ddpm("check", "--threads", "2", "--json");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("conv2d 3x3 s1 p1,1 N2 64->64 16x16"), run.out());
        assertTrue(run.out().contains("attention B2 C32 T256"), run.out());
        JsonNode summary = run.json();
        assertEquals(0, summary.get("failed").asInt());
        assertTrue(summary.get("outputs").asInt() > 50);
        assertTrue(summary.get("worstFractionOfTolerance").asDouble() <= 1);
        assertTrue(summary.get("backend").asText().startsWith("simd"), summary.toString());
    }

    @Test
    void anOpenClDeviceThatCannotBeFoundFailsInsteadOfCheckingTheCpuBackend() {
        String before = System.getProperty(OpenClDevices.DEVICE_PROPERTY);
        System.setProperty(OpenClDevices.DEVICE_PROPERTY, "no-such-device");
        try {
            CliRun run = CliRun.ddpm("check", "--backend", "opencl");
            assertEquals(DdpmCommand.FAILED, run.exitCode(), run.out());
            assertTrue(run.err().contains("ddpm check: the opencl backend did not start"), run.err());
            assertTrue(!run.out().contains("within tolerance"), run.out());
        } finally {
            if (before == null) {
                System.clearProperty(OpenClDevices.DEVICE_PROPERTY);
            } else {
                System.setProperty(OpenClDevices.DEVICE_PROPERTY, before);
            }
        }
    }
}
