package org.ddpm4j.bench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ddpm4j.bench.compare.InterleavedComparison;
import org.ddpm4j.bench.compare.Medians;
import org.ddpm4j.bench.ops.OpTimes;
import org.ddpm4j.bench.ops.WorkSpan;
import org.ddpm4j.bench.unet.UNetCase;
import org.ddpm4j.bench.unet.UNetWorkload;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.simd.ChunkSpans;
import org.ddpm4j.tensor.simd.SimdBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ddpm bench spans}: how far a U-Net step could scale over threads, on a machine that may have fewer cores. For
 * each thread count the SIMD backend splits every op as that many threads would, runs the chunks one after another on
 * one core and times each ({@link ChunkSpans}); the step's least time with a core per chunk is its time on one core,
 * less its ranges' work, plus their spans ({@link WorkSpan}). The ops furthest from a perfect split at the last count
 * are listed: they are what keeps the step from scaling, before any memory bandwidth does.
 */
@Command(name = "spans", mixinStandardHelpOptions = true,
        description = "How a U-Net step's ops split over threads: each thread count's chunks timed one after another "
                + "on one core, the step's least time with a core per chunk (its work-span bound, an estimate for a "
                + "real machine), and the ops that keep it from scaling.")
public final class SpansCommand implements Callable<Integer> {
    private static final double MS = 1e6;

    @Mixin
    UNetCaseOptions unet = new UNetCaseOptions(32);

    @Option(names = "--threads", split = ",", description = "thread counts to split the ops for "
            + "(default: ${DEFAULT-VALUE})")
    List<Integer> threads = List.of(1, 2, 4, 8, 16);

    @Option(names = "--steps", description = "steps timed per thread count (default: ${DEFAULT-VALUE})")
    int steps = 3;

    @Option(names = "--warmup-steps", description = "untimed steps first, then as many again or more, until the JIT "
            + "has been idle for a second (default: ${DEFAULT-VALUE})")
    int warmupSteps = 2;

    @Option(names = "--measured", description = "also time the step on real threads, for each count up to this "
            + "machine's processors: the bound beside the step")
    boolean measured;

    @Option(names = "--top", description = "ops listed at the largest thread count (default: ${DEFAULT-VALUE})")
    int top = 12;

    @Option(names = "--out", description = "write the bounds and the ops to this JSON file")
    Path out;

    @Spec
    CommandSpec spec;

    /**
     * One thread count's bound (from steps on the backend alone), its ops (from steps with each op timed, whose timing
     * wrapper would add to the serial time), and the step on as many real threads (NaN where not run).
     */
    record Split(int threads, WorkSpan bound, List<WorkSpan.Op> ops, double measuredMs) {
    }

    @Override
    public Integer call() throws Exception {
        OptionChecks checks = unet.check(new OptionChecks(spec.commandLine())).atLeast("--steps", steps, 1)
                .atLeast("--warmup-steps", warmupSteps, 0).atLeast("--top", top, 0).writableFile("--out", out)
                .require(!threads.isEmpty(), "--threads: give at least one thread count");
        threads.forEach(t -> checks.atLeast("--threads", t, 1));
        UNetCase c = unet.unetCase();
        SimdBackend.Conv3x3 conv3x3 = SimdBackend.Conv3x3.parse(System.getProperty(SimdBackend.CONV3X3_PROPERTY));
        List<Split> splits = new ArrayList<>();
        List<String> backends = new ArrayList<>();
        for (int t : threads) {
            ChunkSpans spans = new ChunkSpans();
            SimdBackend be = SimdBackend.serialisingChunks(t, conv3x3, spans);
            try {
                backends.add(be.describe());
                splits.add(split(c, be, spans, measuredMs(c, t, conv3x3)));
            } finally {
                be.shutdown();
            }
            print(c, splits.getLast(), splits);
        }
        printOps(splits.getLast());
        if (out != null) {
            write(c, backends, splits);
        }
        return 0;
    }

    private Split split(UNetCase c, SimdBackend be, ChunkSpans spans, double measuredMs) throws Exception {
        WorkSpan bound = workSpan(new UNetWorkload(be, c), spans, null);
        OpTimes times = new OpTimes(spans::count);
        times.recording(false);
        WorkSpan byOp = workSpan(new UNetWorkload(OpTimes.timing(be, times), c), spans, times);
        return new Split(be.threads(), bound, byOp.ops(), measuredMs);
    }

    /** The steps' bound after the warm-up, with their ops when {@code times} wraps the workload's backend. */
    private WorkSpan workSpan(UNetWorkload workload, ChunkSpans spans, OpTimes times) throws Exception {
        StepTiming.warmUp(workload::run, warmupSteps);
        if (times != null) {
            times.recording(true);
        }
        spans.clear();
        double[] stepNanos = InterleavedComparison.callMillis(workload::run, steps);
        for (int i = 0; i < steps; i++) {
            stepNanos[i] *= MS;
        }
        return WorkSpan.of(stepNanos, times == null ? List.of() : times.calls(), spans.ranges());
    }

    /** The step on {@code t} real threads when {@link #measured} and the machine has them, else NaN. */
    private double measuredMs(UNetCase c, int t, SimdBackend.Conv3x3 conv3x3) throws Exception {
        if (!measured || t > Runtime.getRuntime().availableProcessors()) {
            return Double.NaN;
        }
        Backend be = new SimdBackend(t, conv3x3);
        try {
            UNetWorkload workload = new UNetWorkload(be, c);
            StepTiming.warmUp(workload::run, warmupSteps);
            return Medians.of(InterleavedComparison.callMillis(workload::run, steps));
        } finally {
            be.shutdown();
        }
    }

    private void print(UNetCase c, Split s, List<Split> done) {
        if (done.size() == 1) {
            System.out.printf(Locale.ROOT, "%s, each thread count's chunks run one after another on one core, %d "
                    + "steps each (ms a step, medians):%n", c.name(), steps);
            System.out.printf(Locale.ROOT, "%7s %9s %9s %9s %9s %9s %8s %8s %9s  %s%n", "threads", "one core", "ranges",
                    "outside", "span", "bound", "from 1", "from 2", "measured", "ranges by chunks");
        }
        WorkSpan b = s.bound();
        System.out.printf(Locale.ROOT, "%7d %9.1f %9.1f %9.1f %9.1f %9.1f %8s %8s %9s  %s%n", s.threads(),
                b.stepNanos() / MS, b.workNanos() / MS, b.serialNanos() / MS, b.spanNanos() / MS,
                b.boundNanos() / MS, speedup(done, 1, s), speedup(done, 2, s), Double.isNaN(s.measuredMs()) ? "-"
                        : String.format(Locale.ROOT, "%.1f", s.measuredMs()), chunkCounts(b.rangeChunks()));
    }

    /** "count×chunks" for every chunk count that ranges ran with. */
    private static String chunkCounts(long[] rangeChunks) {
        StringBuilder b = new StringBuilder();
        for (int chunks = 1; chunks < rangeChunks.length; chunks++) {
            if (rangeChunks[chunks] > 0) {
                b.append(b.isEmpty() ? "" : " ").append(rangeChunks[chunks]).append('x').append(chunks);
            }
        }
        return b.toString();
    }

    /** The bound's speedup over the split at {@code from} threads, when that count was run. */
    private static String speedup(List<Split> done, int from, Split s) {
        return done.stream().filter(d -> d.threads() == from).findFirst()
                .map(d -> String.format(Locale.ROOT, "%.2fx", d.bound().boundNanos() / s.bound().boundNanos()))
                .orElse("-");
    }

    /** The ops whose bound is furthest above a perfect split of their time on one core. */
    private void printOps(Split s) {
        if (top == 0) {
            return;
        }
        int t = s.threads();
        System.out.printf(Locale.ROOT, "%nAt %d threads, the ops furthest from a perfect split (ms a step; excess = "
                + "bound - one core / %d; outside = time outside the op's ranges):%n", t, t);
        System.out.printf(Locale.ROOT, "%9s %9s %9s %9s %6s  %s%n", "one core", "bound", "excess", "outside", "calls",
                "op and operand shapes");
        s.ops().stream().sorted(Comparator.comparingDouble((WorkSpan.Op o) -> o.excessNanos(t)).reversed())
                .limit(top).forEach(o -> System.out.printf(Locale.ROOT, "%9.2f %9.2f %9.2f %9.2f %6d  %s%n",
                        o.nanos() / MS, o.boundNanos() / MS, o.excessNanos(t) / MS, o.outsideNanos() / MS,
                        o.calls(), o.op()));
    }

    private void write(UNetCase c, List<String> backends, List<Split> splits) throws Exception {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("case", c.name());
        record.put("steps", steps);
        record.put("warmup_steps", warmupSteps);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < splits.size(); i++) {
            Split s = splits.get(i);
            WorkSpan b = s.bound();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("threads", s.threads());
            row.put("backend", backends.get(i));
            row.put("one_core_ms", b.stepNanos() / MS);
            row.put("ranges_ms", b.workNanos() / MS);
            row.put("outside_ms", b.serialNanos() / MS);
            row.put("span_ms", b.spanNanos() / MS);
            row.put("bound_ms", b.boundNanos() / MS);
            row.put("measured_ms", Double.isNaN(s.measuredMs()) ? null : s.measuredMs());
            row.put("ranges_by_chunks", b.rangeChunks());
            List<Map<String, Object>> ops = new ArrayList<>();
            for (WorkSpan.Op o : s.ops()) {
                Map<String, Object> op = new LinkedHashMap<>();
                op.put("op", o.op());
                op.put("calls_per_step", o.calls());
                op.put("one_core_ms", o.nanos() / MS);
                op.put("ranges_ms", o.workNanos() / MS);
                op.put("outside_ms", o.outsideNanos() / MS);
                op.put("span_ms", o.spanNanos() / MS);
                op.put("bound_ms", o.boundNanos() / MS);
                ops.add(op);
            }
            row.put("ops", ops);
            rows.add(row);
        }
        record.put("splits", rows);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), record);
        System.out.println("wrote " + out);
    }
}
