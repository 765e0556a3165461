package org.ddpm4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Once compiled, the SIMD backend's element-wise and normalisation ops, and its convolution to three channels (eight
 * accumulators over every input channel), keep their vectors in registers. A vector that C2 cannot keep there (passed
 * to or returned from a call it did not inline) is boxed on the heap: a loop with two calls of the SIMD backend's
 * {@code VectorOps.exp} once boxed one of them, which made GroupNorm+SiLU much slower with the same bits out, and
 * GroupNorm+SiLU's backward boxed its two sums for every channel of every group. Run in a fresh JVM so that the
 * inlining decisions are the ops' own and not shaped by the other tests' profiles.
 */
class VectorBoxingTest {
    /**
     * The U-Net's first GroupNorm: the boxing of the loop with two exponentials showed only where a task's loop over
     * its groups ran long enough to be compiled on stack, not on a batch of a few images.
     */
    private static final int BATCH = 64, CHANNELS = 64, SIDE = 32, THREADS = 2;
    /**
     * A compiled call allocates its tasks, lambdas and a few small buffers per task: a few KiB on these ops. One box
     * per (sample, group) item is 2048 × 80 bytes at the least, 160 KiB; one per vector of the loop, 16 MiB.
     */
    private static final long ALLOWED_BYTES_PER_CALL = 64 * 1024;
    /**
     * Fresh JVMs an op may box in before the test fails. What this test guards against is code that C2 cannot
     * compile without boxes, which boxes in every JVM. C2 also decides some inlining from profiles that depend on
     * timing: in an occasional JVM, a caller compiled while the C2 queue was long (at tier 2, which keeps no call-site
     * counts) makes {@code exp}'s call site look cold, and the first group of each task boxes (docs/benchmarks.md, "A
     * flaky boxing check"). An op must box in every one of these JVMs to fail.
     */
    private static final int JVMS = 3;

    @Test
    void compiledOpsBoxNoVectors() throws IOException, InterruptedException {
        // The ops over the allowance in every JVM so far, with their bytes a call in each.
        Map<String, List<Long>> boxed = new LinkedHashMap<>();
        bytesPerCallInFreshJvm().forEach((op, perCall) -> boxed.put(op, new ArrayList<>(List.of(perCall))));
        boxed.values().removeIf(runs -> runs.getLast() <= ALLOWED_BYTES_PER_CALL);
        for (int jvm = 1; jvm < JVMS && !boxed.isEmpty(); jvm++) {
            Map<String, Long> bytes = bytesPerCallInFreshJvm();
            boxed.forEach((op, runs) -> runs.add(bytes.get(op)));
            boxed.values().removeIf(runs -> runs.getLast() <= ALLOWED_BYTES_PER_CALL);
        }
        if (!boxed.isEmpty()) {
            fail(boxed.entrySet().stream()
                    .map(e -> e.getKey() + " allocated " + e.getValue() + " bytes a call once compiled")
                    .collect(Collectors.joining("; ", "", ", in each of " + JVMS + " fresh JVMs: boxed vectors")));
        }
    }

    private static Map<String, Long> bytesPerCallInFreshJvm() throws IOException, InterruptedException {
        ForkedJvm.Result probe = ForkedJvm.run(VectorBoxingProbe.class, List.of("--add-modules", "jdk.incubator.vector"),
                List.of(String.valueOf(BATCH), String.valueOf(CHANNELS), String.valueOf(SIDE),
                        String.valueOf(THREADS)));
        assertEquals(0, probe.exitCode(), probe.output());
        Map<String, Long> bytes = probe.output().lines().filter(l -> !l.startsWith("WARNING"))
                .map(l -> l.split(" ")).filter(p -> p.length == 2)
                .collect(Collectors.toMap(p -> p[0], p -> Long.parseLong(p[1])));
        assertEquals(9, bytes.size(), probe.output());
        return bytes;
    }
}
