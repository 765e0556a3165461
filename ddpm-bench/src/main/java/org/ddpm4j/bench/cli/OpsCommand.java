package org.ddpm4j.bench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ddpm4j.bench.ops.OpTimes;
import org.ddpm4j.bench.unet.UNetCase;
import org.ddpm4j.bench.unet.UNetWorkload;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Backends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ddpm bench ops}: a U-Net training step (or sampling forward) broken down op by op, on any backend: the step
 * timed as it runs, then again with each op timed alone ({@link OpTimes}), and the ops by their share.
 */
@Command(name = "ops", mixinStandardHelpOptions = true,
        description = "Where a U-Net step's time goes: every backend op by name and shape, its calls and time per step.")
public final class OpsCommand implements Callable<Integer> {
    private static final double MS = 1e6;

    @Mixin
    UNetCaseOptions unet = new UNetCaseOptions(64);

    @Option(names = "--steps", description = "steps timed, each way (default: ${DEFAULT-VALUE})")
    int steps = 5;

    @Option(names = "--warmup-steps", description = "untimed steps first, then as many again or more, until the JIT "
            + "has been idle for a second (default: ${DEFAULT-VALUE})")
    int warmupSteps = 3;

    @Option(names = "--threads", description = "worker threads of the backend (default: ${DEFAULT-VALUE})")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--backend", description = "simd, scalar or opencl (default: ${DEFAULT-VALUE})")
    String backend = "simd";

    @Option(names = "--min-share", description = "print ops with at least this share of the step, in per cent "
            + "(default: ${DEFAULT-VALUE}; --out keeps every op)")
    double minShare = 0.5;

    @Option(names = "--out", description = "write the breakdown to this JSON file")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        unet.check(new OptionChecks(spec.commandLine()))
                .atLeast("--steps", steps, 1).atLeast("--warmup-steps", warmupSteps, 0)
                .atLeast("--threads", threads, 1).backend("--backend", backend).nonNegative("--min-share", minShare)
                .writableFile("--out", out);
        UNetCase c = unet.unetCase();
        Backend be = Backends.create(backend, threads);
        try {
            OpTimes times = new OpTimes();
            // Building the model and the warm-up steps run untimed.
            times.recording(false);
            UNetWorkload workload = new UNetWorkload(OpTimes.timing(be, times), c);
            StepTiming.warmUp(workload::run, warmupSteps);
            double stepMs = StepTiming.nanosPerStep(workload::run, steps) / MS;
            times.recording(true);
            double timedStepMs = StepTiming.nanosPerStep(workload::run, steps) / MS;
            print(c, be, stepMs, timedStepMs, times);
            if (out != null) {
                write(c, be, stepMs, timedStepMs, times);
            }
        } finally {
            be.shutdown();
        }
        return 0;
    }

    private void print(UNetCase c, Backend be, double stepMs, double timedStepMs, OpTimes times) {
        String warmUp = warmupSteps == 0 ? "no warm-up"
                : String.format(Locale.ROOT, "after %d and more until the JIT was idle", warmupSteps);
        System.out.printf(Locale.ROOT, "%s on %s, %d thread(s): %.1f ms a step as it runs, %.1f ms with each op timed"
                + " alone (%d steps each, %s)%n", c.name(), be.describe(), threads, stepMs, timedStepMs, steps, warmUp);
        double opsMs = times.totalNanos() / MS / steps;
        printRows("op and operand shapes", times.entries(), timedStepMs);
        printRows("op", times.byName(), timedStepMs);
        System.out.printf(Locale.ROOT, "%10.2f %5.1f%%         all ops; the rest of the step is the caller's own work%n",
                opsMs, 100 * opsMs / timedStepMs);
    }

    /** The rows with at least {@link #minShare} of the step, and how many fell below it. */
    private void printRows(String heading, List<OpTimes.Entry> rows, double timedStepMs) {
        System.out.printf(Locale.ROOT, "%10s %6s %6s  %s%n", "ms/step", "share", "calls", heading);
        int hidden = 0;
        for (OpTimes.Entry e : rows) {
            double ms = e.nanos() / MS / steps, share = 100 * ms / timedStepMs;
            if (share < minShare) {
                hidden++;
                continue;
            }
            System.out.printf(Locale.ROOT, "%10.2f %5.1f%% %6d  %s%n", ms, share, e.calls() / steps, e.op());
        }
        if (hidden > 0) {
            System.out.printf(Locale.ROOT, "%25s  (%d rows below %.1f%% not shown)%n", "", hidden, minShare);
        }
    }

    private List<Map<String, Object>> rows(List<OpTimes.Entry> entries) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (OpTimes.Entry e : entries) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("op", e.op());
            row.put("calls_per_step", e.calls() / (double) steps);
            row.put("ms_per_step", e.nanos() / MS / steps);
            rows.add(row);
        }
        return rows;
    }

    private void write(UNetCase c, Backend be, double stepMs, double timedStepMs, OpTimes times) throws Exception {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("case", c.name());
        record.put("backend", be.describe());
        record.put("threads", threads);
        record.put("steps", steps);
        record.put("warmup_steps", warmupSteps);
        record.put("step_ms", stepMs);
        record.put("step_ms_ops_timed", timedStepMs);
        record.put("ops", rows(times.entries()));
        record.put("by_name", rows(times.byName()));
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), record);
        System.out.println("wrote " + out);
    }
}
