package org.ddpm4j.bench.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ddpm4j.bench.compare.Medians;

/**
 * A step's work–span bound from repeated steps whose parallel ranges ran one after another on one core: each range's
 * chunk times, in the order the ranges ran, and optionally the op calls that ran them ({@link OpTimes#calls}, marked
 * with the count of ranges run). The steps must have run the same ranges (and ops). Each range position's chunk is
 * taken at its median over the steps, so that a chunk that one step's interrupt slowed does not become its range's
 * longest; the time outside the ranges is the median over the steps too.
 *
 * @param serialNanos the step's time outside its ranges, which one thread runs however many there are
 * @param workNanos   its ranges' work: every chunk's median time, added up
 * @param spanNanos   their span: each range's longest median chunk, added up
 * @param rangeChunks how many ranges a step ran with how many chunks: index c holds the ranges of c chunks
 * @param ops         per op and operand shapes, the most time first (none without op calls)
 */
public record WorkSpan(double serialNanos, double workNanos, double spanNanos, long[] rangeChunks, List<Op> ops) {

    /**
     * One op's share of a step.
     *
     * @param op           name and operand shapes, as {@link OpTimes.Entry#op}
     * @param calls        calls per step
     * @param outsideNanos its time outside its ranges
     * @param workNanos    its ranges' work
     * @param spanNanos    their span
     */
    public record Op(String op, int calls, double outsideNanos, double workNanos, double spanNanos) {
        /** Its time on one core. */
        public double nanos() {
            return outsideNanos + workNanos;
        }

        /** Its time with a core per chunk. */
        public double boundNanos() {
            return outsideNanos + spanNanos;
        }

        /** How far its bound is above a perfect split of its time on one core over {@code threads} threads. */
        public double excessNanos(int threads) {
            return boundNanos() - nanos() / threads;
        }
    }

    /** The step on one core. */
    public double stepNanos() {
        return serialNanos + workNanos;
    }

    /** The step with a core per chunk. */
    public double boundNanos() {
        return serialNanos + spanNanos;
    }

    /**
     * The bound of {@code stepNanos.length} steps that ran {@code ranges} and made {@code calls} (empty when not
     * logged), both as recorded from the first step's start.
     *
     * @throws IllegalArgumentException when the steps did not run the same ranges and ops
     */
    public static WorkSpan of(double[] stepNanos, List<OpTimes.Call> calls, List<long[]> ranges) {
        int steps = stepNanos.length;
        if (steps == 0 || calls.size() % steps != 0 || ranges.size() % steps != 0) {
            throw new IllegalArgumentException(steps + " steps made " + calls.size() + " op calls and ran "
                    + ranges.size() + " ranges: not the same in every step");
        }
        int perStepRanges = ranges.size() / steps;
        double[] rangeWork = new double[perStepRanges], rangeSpan = new double[perStepRanges];
        long[] rangeChunks = new long[1];
        for (int k = 0; k < perStepRanges; k++) {
            int chunks = ranges.get(k).length;
            if (chunks >= rangeChunks.length) {
                rangeChunks = Arrays.copyOf(rangeChunks, chunks + 1);
            }
            rangeChunks[chunks]++;
            double[] times = new double[steps];
            for (int i = 0; i < chunks; i++) {
                for (int s = 0; s < steps; s++) {
                    long[] r = ranges.get(s * perStepRanges + k);
                    if (r.length != chunks) {
                        throw new IllegalArgumentException("range " + k + " of step " + s + " ran " + r.length
                                + " chunks, " + chunks + " in the first step");
                    }
                    times[s] = r[i];
                }
                double m = Medians.of(times);
                rangeWork[k] += m;
                rangeSpan[k] = Math.max(rangeSpan[k], m);
            }
        }
        double[] serial = new double[steps];
        for (int s = 0; s < steps; s++) {
            serial[s] = stepNanos[s] - rawWork(ranges, s * perStepRanges, (s + 1) * perStepRanges);
        }
        return new WorkSpan(Medians.of(serial), Arrays.stream(rangeWork).sum(), Arrays.stream(rangeSpan).sum(),
                rangeChunks, ops(steps, calls, ranges, rangeWork, rangeSpan));
    }

    /** The calls' outside time (median over the steps), work and span, summed per op. */
    private static List<Op> ops(int steps, List<OpTimes.Call> calls, List<long[]> ranges, double[] rangeWork,
                                double[] rangeSpan) {
        int perStepCalls = calls.size() / steps, perStepRanges = rangeWork.length;
        Map<String, double[]> byOp = new LinkedHashMap<>();
        for (int c = 0; c < perStepCalls; c++) {
            OpTimes.Call first = calls.get(c);
            double[] outside = new double[steps];
            for (int s = 0; s < steps; s++) {
                OpTimes.Call call = calls.get(s * perStepCalls + c);
                long offset = (long) s * perStepRanges;
                if (!call.op().equals(first.op()) || call.before() - offset != first.before()
                        || call.after() - offset != first.after()) {
                    throw new IllegalArgumentException("op call " + c + " of step " + s + " (" + call.op()
                            + ") is not the first step's (" + first.op() + ")");
                }
                outside[s] = call.nanos() - rawWork(ranges, (int) call.before(), (int) call.after());
            }
            double[] v = byOp.computeIfAbsent(first.op(), k -> new double[4]);
            v[0]++;
            v[1] += Medians.of(outside);
            for (int k = (int) first.before(); k < first.after(); k++) {
                v[2] += rangeWork[k];
                v[3] += rangeSpan[k];
            }
        }
        List<Op> ops = new ArrayList<>();
        byOp.forEach((op, v) -> ops.add(new Op(op, (int) v[0], v[1], v[2], v[3])));
        ops.sort(Comparator.comparingDouble(Op::nanos).reversed().thenComparing(Op::op));
        return ops;
    }

    /** Every chunk time of ranges [from, to), added up. */
    private static double rawWork(List<long[]> ranges, int from, int to) {
        double sum = 0;
        for (int k = from; k < to; k++) {
            for (long t : ranges.get(k)) {
                sum += t;
            }
        }
        return sum;
    }
}
