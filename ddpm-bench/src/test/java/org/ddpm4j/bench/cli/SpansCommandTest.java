package org.ddpm4j.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ddpm bench spans} on a small U-Net: on one thread the bound is the step itself; on three, ranges split three
 * ways and the bound lies between the step on one core and a third of it; bad thread counts are refused.
 */
class SpansCommandTest {
    private static final double RELATIVE = 1e-9;

    @TempDir
    Path dir;

    @Test
    void theBoundOfOneThreadIsTheStepAndOfThreeAtLeastAThirdOfIt() throws Exception {
        Path out = dir.resolve("spans.json");
        CliRun r = CliRun.ddpm("bench", "spans", "--channels", "32", "--batch", "3", "--threads", "1,3", "--steps",
                "2", "--warmup-steps", "0", "--measured", "--top", "3", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("At 3 threads, the ops furthest from a perfect split"), r.out());
        JsonNode record = new ObjectMapper().readTree(out.toFile());
        assertEquals("ch32 train B3", record.path("case").asText());
        JsonNode one = record.path("splits").get(0), three = record.path("splits").get(1);

        assertEquals(1, one.path("threads").asInt());
        double oneCore = one.path("one_core_ms").asDouble();
        assertEquals(oneCore, one.path("bound_ms").asDouble(), RELATIVE * oneCore, "no range is split");
        assertEquals(one.path("ranges_ms").asDouble(), one.path("span_ms").asDouble(), RELATIVE * oneCore);
        assertEquals(1, one.path("ranges_by_chunks").size() - 1, "ranges of one chunk only");
        assertTrue(one.path("measured_ms").asDouble() > 0, "every machine has one thread");

        assertEquals(3, three.path("threads").asInt());
        assertTrue(three.path("backend").asText().contains("3 threads run one after another"), three.toString());
        assertEquals(4, three.path("ranges_by_chunks").size(), "ranges of up to three chunks");
        assertTrue(three.path("ranges_by_chunks").get(3).asLong() > 0, "some ranges split three ways");
        double stepOnOneCore = three.path("one_core_ms").asDouble(), bound = three.path("bound_ms").asDouble();
        assertTrue(bound < stepOnOneCore && bound >= stepOnOneCore / 3, bound + " ms of " + stepOnOneCore);
        assertEquals(Runtime.getRuntime().availableProcessors() >= 3, !three.path("measured_ms").isNull(),
                "measured where the machine has the threads");
        boolean convBackward = false;
        for (JsonNode op : three.path("ops")) {
            convBackward |= op.path("op").asText().startsWith("conv2dBackward ");
            assertTrue(op.path("bound_ms").asDouble() <= op.path("one_core_ms").asDouble() * (1 + RELATIVE), op.toString());
        }
        assertTrue(convBackward, "a training step's ops");
    }

    @Test
    void aThreadCountBelowOneIsAUsageError() {
        CliRun r = CliRun.ddpm("bench", "spans", "--threads", "2,0");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("--threads must be at least 1, got 0"), r.err());
    }
}
