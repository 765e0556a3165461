package org.ddpm4j.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ddpm bench ... --compare-pytorch} refuses a PyTorch on netlib's reference BLAS before timing anything. */
class CompareCommandTest {
    @TempDir
    Path dir;

    @Test
    void aPeerOnTheReferenceBlasIsRefusedWithThePackageToInstall() throws Exception {
        Path peer = dir.resolve("peer.sh");
        Files.writeString(peer, "echo '{\"blas\":\"reference\",\"blas_optimised\":false,"
                + "\"blas_libraries\":[\"/usr/lib/x86_64-linux-gnu/blas/libblas.so.3\"]}'\nread -r line\n");
        CommandLine cli = DdpmCommand.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        int rc = cli.execute("bench", "kernels", "--sections", "gn", "--backend", "scalar", "--threads", "1",
                "--compare-pytorch", "--python", "/bin/bash", "--pytorch-script", peer.toString());
        assertEquals(2, rc, err.toString());
        assertTrue(err.toString().contains("libopenblas0-openmp") && err.toString().contains("--python"),
                err.toString());
    }
}
