package org.ddpm4j.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PyTorch peer's self-description names the BLAS torch calls. It runs here against a stand-in {@code torch}
 * package whose build configuration the test sets, so that the peer's own code decides, without PyTorch installed:
 * pip's wheels link MKL into torch itself and map no BLAS library of their own.
 */
class PeerBlasDescriptionTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final long TIMEOUT_SECONDS = 60;

    @TempDir
    Path stub;

    @Test
    void aTorchBuiltAgainstMklIsOptimisedThoughNoMklLibraryIsMapped() throws Exception {
        JsonNode d = describe("  - BLAS_INFO=mkl\n  - LAPACK_INFO=mkl\n");
        assertEquals("mkl", d.path("blas").asText(), d.toString());
        assertTrue(d.path("blas_optimised").asBoolean(), d.toString());
        assertTrue(d.path("blas_libraries").isEmpty(), d.toString());
    }

    @Test
    void theBuildsBlasWinsOverAnotherOneMappedBesideIt() throws Exception {
        JsonNode d = describe("  - BLAS_INFO=mkl\n", true);
        assertEquals("mkl", d.path("blas").asText(), d.toString());
        assertTrue(d.path("blas_libraries").toString().contains("libopenblas-stand-in.so"), d.toString());
    }

    @Test
    void aBuildThatNamesNoOptimisedBlasFallsBackToTheMappedLibraries() throws Exception {
        for (String config : new String[] {"", "  - BLAS_INFO=generic\n"}) {
            JsonNode none = describe(config);
            assertEquals("none", none.path("blas").asText(), none.toString());
            assertFalse(none.path("blas_optimised").asBoolean(), none.toString());
            JsonNode mapped = describe(config, true);
            assertEquals("openblas", mapped.path("blas").asText(), mapped.toString());
            assertTrue(mapped.path("blas_optimised").asBoolean(), mapped.toString());
        }
    }

    private JsonNode describe(String buildConfig) throws IOException, InterruptedException {
        return describe(buildConfig, false);
    }

    /** With {@code mapOpenBlas}, the stand-in's bmm maps a library whose name says OpenBLAS, as numpy's would be. */
    private JsonNode describe(String buildConfig, boolean mapOpenBlas) throws IOException, InterruptedException {
        writeStandInTorch(buildConfig);
        Path script = PeerScript.extract();
        ProcessBuilder pb = new ProcessBuilder(PYTHON, script.toString(), "--threads", "2", "--describe")
                .redirectErrorStream(true);
        pb.environment().put("PYTHONPATH", stub.toString());
        if (mapOpenBlas) {
            pb.environment().put("STAND_IN_OPENBLAS_DIR", Files.createTempDirectory(stub, "mapped").toString());
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the peer did not finish: " + out);
        assertEquals(0, p.exitValue(), out);
        return new ObjectMapper().readTree(out);
    }

    /** Just what the peer touches on import and in its self-description. */
    private void writeStandInTorch(String buildConfig) throws IOException {
        write("torch/__init__.py", """
                import ctypes, os, shutil
                from . import __config__, backends, nn
                __version__ = "stand-in"
                _threads = 1
                def set_num_threads(n):
                    global _threads
                    _threads = n
                def get_num_threads():
                    return _threads
                def ones(*shape):
                    return None
                def bmm(a, b):
                    # A copy of libm, already mapped into Python, under a name that says OpenBLAS.
                    target = os.environ.get("STAND_IN_OPENBLAS_DIR")
                    if target:
                        with open("/proc/self/maps") as maps:
                            libm = next(l.split()[-1] for l in maps if "/libm." in l or "/libm-" in l)
                        copy = os.path.join(target, "libopenblas-stand-in.so")
                        shutil.copyfile(libm, copy)
                        ctypes.CDLL(copy)
                    return None
                """);
        write("torch/__config__.py", "def show():\n    return " + pythonString(buildConfig) + "\n");
        write("torch/backends/__init__.py", """
                class _Mkldnn:
                    @staticmethod
                    def is_available():
                        return True
                mkldnn = _Mkldnn()
                """);
        write("torch/nn/__init__.py", "class Module:\n    pass\n");
        write("torch/nn/functional.py", "");
    }

    private void write(String relative, String text) throws IOException {
        Path file = stub.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static String pythonString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'";
    }
}
