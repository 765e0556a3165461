package org.ddpm4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM that asks for OpenCL on a machine without any OpenCL platform (the ICD loader pointed at an empty vendor
 * directory): it runs on the CPU after one warning, and fails with the reason when OpenCL is required.
 */
class OpenClUnavailableProcessTest {
    private static final List<String> JVM = List.of("--add-modules", "jdk.incubator.vector",
            "--enable-native-access=ALL-UNNAMED", "-Dddpm.backend=opencl");

    @TempDir
    Path dir;

    @Test
    void noPlatformMeansTheCpuBackendAndOneWarningOrAnErrorWhenRequired() throws Exception {
        Path noVendors = Files.createDirectory(dir.resolve("vendors"));
        Map<String, String> env = new HashMap<>();
        env.put("OCL_ICD_VENDORS", noVendors.toString());
        env.put(Backends.REQUIRE_OPENCL_ENV, null);
        ForkedJvm.Result fallback = ForkedJvm.runFallbackMain(JVM, env);
        assertEquals(0, fallback.exitCode(), fallback.output());
        assertTrue(fallback.output().contains("backend=simd same=true"), fallback.output());
        long warnings = fallback.output().lines().filter(l -> l.contains("OpenCL unavailable")).count();
        assertEquals(1, warnings, "exactly one warning naming the reason:\n" + fallback.output());

        env.put(Backends.REQUIRE_OPENCL_ENV, "1");
        ForkedJvm.Result required = ForkedJvm.runFallbackMain(JVM, env);
        assertNotEquals(0, required.exitCode(), required.output());
        assertTrue(required.output().contains(Backends.REQUIRE_OPENCL_ENV + "=1 but the OpenCL backend cannot start"),
                required.output());
    }
}
