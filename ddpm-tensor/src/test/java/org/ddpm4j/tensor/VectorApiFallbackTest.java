package org.ddpm4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** In a JVM started without {@code --add-modules jdk.incubator.vector} the engine runs on the scalar backend. */
class VectorApiFallbackTest {

    @Test
    void withoutTheVectorModuleTheScalarBackendRunsWithOneWarning() throws Exception {
        Result plain = runJava(List.of("-Dddpm.backend=simd"));
        assertEquals(0, plain.exitCode, plain.output);
        assertTrue(plain.output.contains("backend=scalar same=true silu(2)=1.76159"), plain.output);
        long warnings = plain.output.lines().filter(l -> l.contains("jdk.incubator.vector is not in the module graph")).count();
        assertEquals(1, warnings, "exactly one warning expected:\n" + plain.output);

        Result withFlag = runJava(List.of("--add-modules", "jdk.incubator.vector"));
        assertEquals(0, withFlag.exitCode, withFlag.output);
        assertTrue(withFlag.output.contains("backend=simd same=true"), withFlag.output);
        assertTrue(withFlag.output.contains("ddpm4j backend: simd"), "the choice is logged:\n" + withFlag.output);
    }

    private record Result(int exitCode, String output) {
    }

    private static Result runJava(List<String> jvmArgs) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), FallbackMain.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("forked JVM did not finish:\n" + out);
        }
        return new Result(p.exitValue(), out);
    }
}
