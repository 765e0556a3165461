package org.ddpm4j.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One case measured with JMH: {@code section}, {@code case} and {@code mode} are spelled as the PyTorch peer's cases
 * ({@link org.ddpm4j.bench.compare.ComparisonRecord} holds a comparison). Throughput fields are null where they do
 * not apply.
 *
 * @param forkMediansMs the median of each JMH fork: their spread shows how far one JVM can differ from another
 * @param allocBytesPerOp heap bytes allocated per call (JMH's GC profiler), where measured
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BenchRecord(
        String section,
        @JsonProperty("case") String caseName,
        String mode,
        int threads,
        String backend,
        @JsonProperty("median_ms") double medianMs,
        @JsonProperty("min_ms") double minMs,
        @JsonProperty("gflops_med") Double gflopsMed,
        @JsonProperty("gbs_med") Double gbsMed,
        @JsonProperty("fork_medians_ms") List<Double> forkMediansMs,
        @JsonProperty("alloc_bytes_per_op") Double allocBytesPerOp) {

    public String key() {
        return section + "|" + caseName + "|" + mode;
    }
}
