package org.ddpm4j.bench.compare;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One case measured on both sides in alternating rounds. Each round times several calls on each side and keeps
 * their medians; the round's ratio is PyTorch's median over ours (above 1: we are faster), and {@link #ratio} is the
 * median of the rounds' ratios, with their smallest and largest beside it: drift of the shared machine moves both
 * sides of a round alike, so it shows in the spread of the times but much less in the spread of the ratios.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ComparisonRecord(
        String section,
        @JsonProperty("case") String caseName,
        String mode,
        int threads,
        String backend,
        @JsonProperty("median_ms") double medianMs,
        @JsonProperty("pytorch_median_ms") double pytorchMedianMs,
        double ratio,
        @JsonProperty("ratio_min") double ratioMin,
        @JsonProperty("ratio_max") double ratioMax,
        @JsonProperty("gflops_med") Double gflopsMed,
        @JsonProperty("gbs_med") Double gbsMed,
        @JsonProperty("calls_per_round") int callsPerRound,
        @JsonProperty("pytorch_calls_per_round") int pytorchCallsPerRound,
        @JsonProperty("round_medians_ms") List<Double> roundMediansMs,
        @JsonProperty("pytorch_round_medians_ms") List<Double> pytorchRoundMediansMs,
        @JsonProperty("round_ratios") List<Double> roundRatios) {
}
