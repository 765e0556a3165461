package org.ddpm4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** In a JVM started without {@code --add-modules jdk.incubator.vector} the engine runs on the scalar backend. */
class VectorApiFallbackTest {

    @Test
    void withoutTheVectorModuleTheScalarBackendRunsWithOneWarning() throws Exception {
        ForkedJvm.Result plain = runJava(List.of("-Dddpm.backend=simd"));
        assertEquals(0, plain.exitCode(), plain.output());
        assertTrue(plain.output().contains("backend=scalar same=true silu(2)=1.76159"), plain.output());
        long warnings = plain.output().lines().filter(l -> l.contains("jdk.incubator.vector is not in the module graph")).count();
        assertEquals(1, warnings, "exactly one warning expected:\n" + plain.output());

        ForkedJvm.Result withFlag = runJava(List.of("--add-modules", "jdk.incubator.vector"));
        assertEquals(0, withFlag.exitCode(), withFlag.output());
        assertTrue(withFlag.output().contains("backend=simd same=true"), withFlag.output());
        assertTrue(withFlag.output().contains("ddpm4j backend: simd"), "the choice is logged:\n" + withFlag.output());
    }

    private static ForkedJvm.Result runJava(List<String> jvmArgs) throws Exception {
        return ForkedJvm.runFallbackMain(jvmArgs, Map.of());
    }
}
