package org.ddpm4j.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One measured case, in the JSON shape shared with the PyTorch script's records: {@code section}, {@code case} and
 * {@code mode} are spelled exactly as that script prints them. Throughput fields are null where they do not apply.
 *
 * @param forkMediansMs the median of each JMH fork: their spread shows how far one JVM can differ from another
 * @param allocBytesPerOp heap bytes allocated per call (JMH's GC profiler), where measured
 * @param pytorchMedianMs PyTorch's median for the same case in the same run, when compared
 * @param ratio ours/PyTorch throughput (PyTorch's time over ours): above 1 means we are faster
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
        @JsonProperty("alloc_bytes_per_op") Double allocBytesPerOp,
        @JsonProperty("pytorch_median_ms") Double pytorchMedianMs,
        Double ratio) {

    public String key() {
        return section + "|" + caseName + "|" + mode;
    }

    public BenchRecord withPyTorch(double torchMedianMs) {
        return new BenchRecord(section, caseName, mode, threads, backend, medianMs, minMs, gflopsMed, gbsMed,
                forkMediansMs, allocBytesPerOp, torchMedianMs, torchMedianMs / medianMs);
    }
}
