package org.ddpm4j.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The comparison protocol against a stand-in peer (a shell script speaking the peer's JSON lines, whose "calls"
 * report fixed times), so the suite needs no PyTorch: the peer is set up once per case, both sides run every round,
 * and the ratio is the median of the per-round ratios.
 */
class InterleavedComparisonTest {
    @TempDir
    Path dir;

    /** A peer whose every call takes {@code ms} and whose BLAS is the given kind; it logs its requests. */
    private Path fakePeer(String blas, boolean optimised, double ms) throws IOException {
        Path script = dir.resolve("peer.sh");
        Files.writeString(script, String.join("\n",
                "echo '{\"peer\":\"fake\",\"blas\":\"" + blas + "\",\"blas_optimised\":" + optimised + "}'",
                "while IFS= read -r line; do",
                "  echo \"$line\" >> \"" + dir.resolve("requests.log") + "\"",
                "  case \"$line\" in",
                "    *'\"setup\"'*) echo '{\"ok\":true}' ;;",
                "    *'\"quit\"'*) exit 0 ;;",
                "    *'\"time\"'*) n=$(echo \"$line\" | sed 's/.*\"calls\":\\([0-9]*\\).*/\\1/')",
                "       out=''; i=0; while [ $i -lt $n ]; do out=\"$out${out:+,}" + ms + "\"; i=$((i+1)); done",
                "       echo \"{\\\"ms\\\":[$out]}\" ;;",
                "    *) echo '{\"error\":\"unknown request\"}' ;;",
                "  esac",
                "done", ""));
        return script;
    }

    @Test
    void everyRoundTimesBothSidesAndTheRatioIsTheMedianOfTheRounds() throws Exception {
        List<String> ourCalls = new ArrayList<>();
        ComparedCase a = new ComparedCase("conv", "A", "fwd", new int[] {1, 2}, 1.0, Double.NaN,
                () -> () -> ourCalls.add("A"));
        ComparedCase b = new ComparedCase("gn", "B", "fwd+bwd", new int[] {3}, Double.NaN, 1.0,
                () -> () -> ourCalls.add("B"));
        List<ComparisonRecord> seen = new ArrayList<>();
        List<ComparisonRecord> records;
        try (PyTorchPeer peer = PyTorchPeer.start("/bin/bash", fakePeer("openblas", true, 7.5), 2)) {
            assertTrue(peer.hasOptimisedBlas());
            records = new InterleavedComparison(new InterleavedComparison.Settings(5, 1e-9, 0), peer, 2, "scalar")
                    .run(List.of(a, b), seen::add);
        }
        assertEquals(records, seen, "progress sees each record as it is measured");
        assertEquals(2, records.size());
        for (ComparisonRecord r : records) {
            assertEquals(5, r.roundRatios().size());
            assertEquals(7.5, r.pytorchMedianMs(), 0.0);
            for (int i = 0; i < 5; i++) {
                assertEquals(r.pytorchRoundMediansMs().get(i) / r.roundMediansMs().get(i), r.roundRatios().get(i),
                        1e-12);
            }
            List<Double> sorted = r.roundRatios().stream().sorted().toList();
            assertEquals(sorted.get(2), r.ratio(), 0.0);
            assertEquals(sorted.get(0), r.ratioMin(), 0.0);
            assertEquals(sorted.get(4), r.ratioMax(), 0.0);
        }
        assertEquals("conv", records.get(0).section());
        var json = new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(records.get(1));
        for (String key : List.of("section", "case", "mode", "median_ms", "pytorch_median_ms", "ratio", "ratio_min",
                "ratio_max", "gbs_med", "round_medians_ms", "pytorch_round_medians_ms", "round_ratios")) {
            assertTrue(json.has(key), "missing " + key + " in " + json);
        }
        assertFalse(json.has("gflop") || json.has("gflops_med"), json.toString());
        assertTrue(records.get(0).gflopsMed() != null && records.get(0).gbsMed() == null);
        assertTrue(records.get(1).gbsMed() != null && records.get(1).gflopsMed() == null);
        // Our side: 2 warm-up calls (no warm-up time, so no wait for the JIT) and one call per round (a round lasts 1e-9 s), case A before case B.
        assertEquals(7, ourCalls.stream().filter("A"::equals).count());
        assertEquals(7, ourCalls.stream().filter("B"::equals).count());
        assertTrue(ourCalls.lastIndexOf("A") < ourCalls.indexOf("B"));
        List<String> requests = Files.readAllLines(dir.resolve("requests.log"));
        assertEquals(2, requests.stream().filter(l -> l.contains("\"setup\"")).count());
        assertTrue(requests.get(0).contains("\"dims\":[1,2]"), requests.get(0));
        assertEquals(2 * (2 + 5), requests.stream().filter(l -> l.contains("\"time\"")).count());
    }

    @Test
    void ourWarmUpWaitsForTheJitToBeQuietAndNoLongerThanItsCap() throws Exception {
        int[] calls = {0};
        InterleavedComparison.Side hundredMs = n -> {
            calls[0] += n;
            return new double[] {100};
        };
        // The JIT works during the first 5 calls: then 1000 ms of quiet calls (10) follow, past the 1 s warm-up.
        InterleavedComparison.warmUp(hundredMs, 1, () -> Math.min(calls[0], 5));
        assertEquals(15, calls[0]);
        // A JIT that never settles: the warm-up stops at ten times its time.
        calls[0] = 0;
        InterleavedComparison.warmUp(hundredMs, 1, () -> calls[0]);
        assertEquals(100, calls[0]);
        // The peer's side: the warm-up time only.
        calls[0] = 0;
        InterleavedComparison.warmUp(hundredMs, 1, null);
        assertEquals(10, calls[0]);
    }

    @Test
    void aPeerOnTheReferenceBlasIsRecognised() throws Exception {
        try (PyTorchPeer peer = PyTorchPeer.start("/bin/bash", fakePeer("reference", false, 1), 2)) {
            assertFalse(peer.hasOptimisedBlas());
            assertEquals("reference", peer.description().path("blas").asText());
        }
    }

    @Test
    void fewerThanThreeRoundsAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> new InterleavedComparison.Settings(2, 1, 1));
        assertTrue(e.getMessage().contains("--rounds"), e.getMessage());
    }

    @Test
    void aPeerErrorNamesTheCase() throws Exception {
        Path script = dir.resolve("failing.sh");
        Files.writeString(script, "echo '{\"blas_optimised\":true}'\nread -r line\necho '{\"error\":\"no such section\"}'\n");
        ComparedCase c = new ComparedCase("nope", "X", "fwd", new int[] {1}, Double.NaN, Double.NaN, () -> () -> { });
        try (PyTorchPeer peer = PyTorchPeer.start("/bin/bash", script, 1)) {
            var e = assertThrows(IOException.class, () -> peer.setup(c));
            assertTrue(e.getMessage().contains("nope|X|fwd") && e.getMessage().contains("no such section"),
                    e.getMessage());
        }
    }
}
