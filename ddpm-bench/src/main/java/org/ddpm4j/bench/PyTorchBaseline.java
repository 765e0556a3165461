package org.ddpm4j.bench;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs {@code ../shared/bench/pytorch_baseline.py} in a child process for the same cases and thread count, and
 * reads back its per-case medians keyed by (section, case, mode).
 */
public final class PyTorchBaseline {
    private final Path script;
    private final String python;

    public PyTorchBaseline(Path script, String python) {
        if (!Files.isRegularFile(script)) {
            throw new IllegalArgumentException("PyTorch baseline script not found: " + script
                    + " (pass --pytorch-script)");
        }
        this.script = script;
        this.python = python;
    }

    /** Runs the script (its output goes to this process's console) and returns median ms by case key. */
    public Map<String, Double> run(int threads, String sections, boolean quick, List<String> extraArgs)
            throws IOException, InterruptedException {
        Path json = Files.createTempFile("ddpm-pytorch-", ".json");
        try {
            List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "--threads", String.valueOf(threads),
                    "--sections", sections, "--json", json.toString()));
            if (quick) {
                cmd.add("--quick");
            }
            cmd.addAll(extraArgs);
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            int exit = p.waitFor();
            if (exit != 0) {
                throw new IOException("PyTorch baseline failed with exit code " + exit + ": " + String.join(" ", cmd));
            }
            // The script writes NaN for derived rows (bwd~ has no steal figure): Python's json does that by default.
            JsonNode root = new ObjectMapper().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS.mappedFeature())
                    .readTree(json.toFile());
            Map<String, Double> medians = new HashMap<>();
            for (JsonNode r : root.path("results")) {
                if (r.path("threads").asInt() == threads) {
                    medians.put(r.path("section").asText() + "|" + r.path("case").asText() + "|"
                            + r.path("mode").asText(), r.path("median_ms").asDouble());
                }
            }
            return medians;
        } finally {
            Files.deleteIfExists(json);
        }
    }
}
