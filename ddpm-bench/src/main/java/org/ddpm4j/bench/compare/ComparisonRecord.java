package org.ddpm4j.bench.compare;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One case measured on both sides in alternating rounds: each round times several calls on each side and keeps their
 * medians. The round's ratio is PyTorch's median over ours (above 1: we are faster), and {@link #ratio} is the median
 * of the rounds' ratios, with their smallest and largest beside it: drift of the shared machine moves both sides of a
 * round alike, so it shows in the spread of the times but much less in the spread of the ratios. Everything but the
 * rounds' medians is derived from them (and written to the JSON too).
 *
 * @param gflop  nominal GFLOP of one call, NaN where not counted
 * @param gbytes nominal GB moved by one call, NaN where not counted
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ComparisonRecord(
        String section,
        @JsonProperty("case") String caseName,
        String mode,
        int threads,
        String backend,
        @JsonIgnore double gflop,
        @JsonIgnore double gbytes,
        @JsonProperty("calls_per_round") int callsPerRound,
        @JsonProperty("pytorch_calls_per_round") int pytorchCallsPerRound,
        @JsonProperty("round_medians_ms") List<Double> roundMediansMs,
        @JsonProperty("pytorch_round_medians_ms") List<Double> pytorchRoundMediansMs) {

    public ComparisonRecord {
        if (roundMediansMs.isEmpty() || roundMediansMs.size() != pytorchRoundMediansMs.size()) {
            throw new IllegalArgumentException("comparison of " + caseName + ": " + roundMediansMs.size()
                    + " rounds of ours against " + pytorchRoundMediansMs.size() + " of PyTorch's");
        }
        roundMediansMs = List.copyOf(roundMediansMs);
        pytorchRoundMediansMs = List.copyOf(pytorchRoundMediansMs);
    }

    @JsonProperty("median_ms")
    public double medianMs() {
        return Medians.of(roundMediansMs);
    }

    @JsonProperty("pytorch_median_ms")
    public double pytorchMedianMs() {
        return Medians.of(pytorchRoundMediansMs);
    }

    /** Each round's PyTorch median over ours. */
    @JsonProperty("round_ratios")
    public List<Double> roundRatios() {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < roundMediansMs.size(); i++) {
            ratios.add(pytorchRoundMediansMs.get(i) / roundMediansMs.get(i));
        }
        return ratios;
    }

    @JsonProperty("ratio")
    public double ratio() {
        return Medians.of(roundRatios());
    }

    @JsonProperty("ratio_min")
    public double ratioMin() {
        return Collections.min(roundRatios());
    }

    @JsonProperty("ratio_max")
    public double ratioMax() {
        return Collections.max(roundRatios());
    }

    @JsonProperty("gflops_med")
    public Double gflopsMed() {
        return Double.isNaN(gflop) ? null : gflop / (medianMs() * 1e-3);
    }

    @JsonProperty("gbs_med")
    public Double gbsMed() {
        return Double.isNaN(gbytes) ? null : gbytes / (medianMs() * 1e-3);
    }
}
