package org.ddpm4j.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ddpm bench ops} on a small U-Net: a training step's breakdown holds its forward, backward and Adam ops, a
 * sampling forward's neither of the last two, every op's time lies inside the step's, and bad options are refused.
 */
class OpsCommandTest {
    @TempDir
    Path dir;

    /** A step timed after {@code warmupSteps} untimed ones (and any more the JIT asks for). */
    private JsonNode run(int warmupSteps, String... more) throws Exception {
        Path out = dir.resolve("ops.json");
        List<String> args = new ArrayList<>(List.of("bench", "ops", "--channels", "32", "--batch", "2", "--steps",
                "1", "--warmup-steps", String.valueOf(warmupSteps), "--threads", "1", "--out", out.toString()));
        args.addAll(List.of(more));
        CliRun r = CliRun.ddpm(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("ms a step as it runs"), r.out());
        return new ObjectMapper().readTree(out.toFile());
    }

    private static List<String> ops(JsonNode record) {
        List<String> ops = new ArrayList<>();
        record.path("ops").forEach(op -> ops.add(op.path("op").asText()));
        return ops;
    }

    @Test
    void aTrainingStepIsBrokenDownIntoItsOpsWithinTheStepsTime() throws Exception {
        JsonNode record = run(0);
        List<String> ops = ops(record);
        assertTrue(ops.contains("conv2d [2,1,32,32] [32,1,3,3]"), "the first convolution: " + ops);
        assertTrue(ops.stream().anyMatch(op -> op.startsWith("conv2dBackward ")), ops.toString());
        assertTrue(ops.stream().anyMatch(op -> op.startsWith("adamUpdate ")), ops.toString());
        assertTrue(ops.stream().anyMatch(op -> op.endsWith(" stride 2")), "the downsampling: " + ops);
        double opsMs = 0;
        for (JsonNode op : record.path("ops")) {
            assertTrue(op.path("calls_per_step").asDouble() >= 1, op.toString());
            opsMs += op.path("ms_per_step").asDouble();
        }
        assertTrue(opsMs > 0 && opsMs <= record.path("step_ms_ops_timed").asDouble(),
                opsMs + " ms of ops in a step of " + record.path("step_ms_ops_timed"));
        assertEquals("ch32 train B2", record.path("case").asText());
        double byNameMs = 0;
        for (JsonNode op : record.path("by_name")) {
            assertFalse(op.path("op").asText().contains(" "), "a name alone: " + op);
            byNameMs += op.path("ms_per_step").asDouble();
        }
        assertEquals(opsMs, byNameMs, 1e-9 * opsMs, "the same time, summed by name");
    }

    @Test
    void aSamplingForwardHasNoBackwardNorOptimiserOps() throws Exception {
        List<String> ops = ops(run(1, "--sample"));
        assertTrue(ops.stream().anyMatch(op -> op.startsWith("attention ")), ops.toString());
        // (The attention's split of q, k and v is splitChannelsBackward, a forward op under its gradient's name.)
        assertFalse(ops.stream().anyMatch(op -> op.startsWith("conv2dBackward ") || op.startsWith("attentionBackward ")
                || op.startsWith("groupNormSiluBackward ") || op.startsWith("adamUpdate ")), ops.toString());
    }

    @Test
    void theCifar10ModelRunsDdpmsNetworkDownToItsFourByFourLevel() throws Exception {
        Path out = dir.resolve("cifar10.json");
        CliRun r = CliRun.ddpm("bench", "ops", "--model", "cifar10", "--sample", "--batch", "1", "--steps", "1",
                "--warmup-steps", "0", "--threads", "2", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode record = new ObjectMapper().readTree(out.toFile());
        assertEquals("cifar10 sample-fwd B1", record.path("case").asText());
        List<String> ops = ops(record);
        assertTrue(ops.contains("conv2d [1,3,32,32] [128,3,3,3]"), "the RGB image's first convolution: " + ops);
        assertTrue(ops.stream().anyMatch(op -> op.endsWith(" [1,256,4,4] [256,256,3,3]")),
                "the fourth level's convolutions: " + ops);
    }

    @Test
    void badOptionsAreRefusedByName() {
        CliRun r = CliRun.ddpm("bench", "ops", "--batch", "0");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("--batch"), r.err());
        r = CliRun.ddpm("bench", "ops", "--backend", "cuda");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("--backend"), r.err());
    }
}
