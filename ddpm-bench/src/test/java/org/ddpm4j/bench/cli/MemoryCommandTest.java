package org.ddpm4j.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ddpm bench memory}: our side is measured for real (a larger batch holds more activations), the peer's answer
 * (here a stand-in that reports a fixed RSS growth) is asked for the same case and set beside it.
 */
class MemoryCommandTest {
    @TempDir
    Path dir;

    @Test
    void oursGrowsWithTheBatchAndIsSetBesideThePeersRssGrowth() throws Exception {
        Path peer = dir.resolve("peer.sh");
        Files.writeString(peer, """
                echo '{"blas":"openblas","blas_optimised":true}'
                read -r request
                case "$request" in
                  *'"op":"memory"'*'"dims":[32,'*) echo '{"baseline_mb":100.0,"peak_mb":150.0,"growth_mb":50.0}' ;;
                  *) echo '{"error":"unexpected request"}' ;;
                esac
                read -r line
                """);
        JsonNode small = run(peer, 2, dir.resolve("b2.json"));
        JsonNode large = run(peer, 8, dir.resolve("b8.json"));
        double oursSmall = small.path("ddpm4j_mib").asDouble(), oursLarge = large.path("ddpm4j_mib").asDouble();
        assertTrue(oursSmall > 0 && oursLarge > oursSmall, oursSmall + " MiB at batch 2, " + oursLarge + " at 8");
        assertEquals(50.0, large.path("pytorch").path("growth_mb").asDouble());
        assertEquals(oursLarge / 50.0, large.path("ratio").asDouble(), 1e-12);
        // The live heap depends on the collector, so the record names the one it ran under.
        String collectors = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).collect(Collectors.joining(" + "));
        assertEquals(collectors, large.path("collector").asText());
    }

    private JsonNode run(Path peer, int batch, Path out) throws Exception {
        CommandLine cli = DdpmCommand.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        int rc = cli.execute("bench", "memory", "--channels", "32", "--batch", Integer.toString(batch), "--steps", "1",
                "--threads", "1", "--python", "/bin/bash", "--pytorch-script", peer.toString(), "--out", out.toString());
        assertEquals(0, rc, err.toString());
        return new ObjectMapper().readTree(out.toFile());
    }
}
