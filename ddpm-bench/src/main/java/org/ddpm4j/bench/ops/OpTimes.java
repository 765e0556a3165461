package org.ddpm4j.bench.ops;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Conv2dSpec;
import org.ddpm4j.tensor.Tensor;

/**
 * Where a workload's time goes, op by op: {@link #timing} wraps a backend so that every op it runs is timed and
 * charged to its name and operand shapes. Each op is followed by the backend's {@code finish()}, so that on a device
 * backend, whose ops only queue their kernels, an op's time is its kernels' and not the next op's; the price is the
 * overlap of host and device that the workload would otherwise have. The record is not synchronised: one thread at a
 * time calls the wrapped backend, as a training or sampling loop does.
 *
 * <p>Made with a marker (a counter of what the backend has run, such as {@code ChunkSpans::count}), it also logs every
 * recorded call in order with the marker's readings around it, so that a call's own ranges can be found.
 */
public final class OpTimes {
    /** Backend methods that are not ops: passed through untimed. */
    private static final Set<String> NOT_OPS = Set.of("threads", "describe", "finish", "shutdown", "name",
            "toString", "hashCode", "equals");

    private final Map<String, long[]> byOp = new LinkedHashMap<>();
    private final LongSupplier marker;
    private final List<Call> calls = new ArrayList<>();
    private boolean recording = true;

    /** Op times by name and shapes. */
    public OpTimes() {
        this(null);
    }

    /** Op times by name and shapes, and every call logged with {@code marker}'s readings around it (null: none). */
    public OpTimes(LongSupplier marker) {
        this.marker = marker;
    }

    /**
     * One op's share of the recorded runs.
     *
     * @param op    the op's name and the shapes of its first two tensor operands (and the stride, for a convolution)
     * @param calls how many times it ran
     * @param nanos the time it took in all, its {@code finish()} included
     */
    public record Entry(String op, long calls, long nanos) {
    }

    /**
     * One recorded op call.
     *
     * @param op     as {@link Entry#op}
     * @param nanos  its time, its {@code finish()} included
     * @param before the marker's reading before the call
     * @param after  its reading after the call
     */
    public record Call(String op, long nanos, long before, long after) {
    }

    /** A backend that runs every op on {@code target} and charges its time to {@code into}. */
    public static Backend timing(Backend target, OpTimes into) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> into.run(target, method, args));
    }

    /** Stops (false) or resumes (true) charging ops: the ops still run, for warm-up steps. */
    public void recording(boolean on) {
        recording = on;
    }

    /** Every call recorded so far, in order, when made with a marker (else none). */
    public List<Call> calls() {
        return Collections.unmodifiableList(calls);
    }

    /** Every op charged so far, the most time first. */
    public List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        byOp.forEach((op, v) -> entries.add(new Entry(op, v[0], v[1])));
        entries.sort(Comparator.comparingLong(Entry::nanos).reversed().thenComparing(Entry::op));
        return entries;
    }

    /** The same, summed over operand shapes: one entry per op name, the most time first. */
    public List<Entry> byName() {
        Map<String, long[]> sums = new LinkedHashMap<>();
        for (Entry e : entries()) {
            long[] v = sums.computeIfAbsent(e.op().split(" ", 2)[0], k -> new long[2]);
            v[0] += e.calls();
            v[1] += e.nanos();
        }
        List<Entry> named = new ArrayList<>();
        sums.forEach((op, v) -> named.add(new Entry(op, v[0], v[1])));
        named.sort(Comparator.comparingLong(Entry::nanos).reversed().thenComparing(Entry::op));
        return named;
    }

    /** The time of every op charged so far. */
    public long totalNanos() {
        return byOp.values().stream().mapToLong(v -> v[1]).sum();
    }

    private Object run(Backend target, Method method, Object[] args) throws Throwable {
        if (NOT_OPS.contains(method.getName()) || !recording) {
            return invoke(target, method, args);
        }
        long before = marker == null ? 0 : marker.getAsLong();
        long start = System.nanoTime();
        Object result = invoke(target, method, args);
        target.finish();
        long nanos = System.nanoTime() - start;
        String key = key(method.getName(), args);
        long[] v = byOp.computeIfAbsent(key, k -> new long[2]);
        v[0]++;
        v[1] += nanos;
        if (marker != null) {
            calls.add(new Call(key, nanos, before, marker.getAsLong()));
        }
        return result;
    }

    /** The target's own exception, not reflection's wrapper: bad input reads the same through the proxy. */
    private static Object invoke(Backend target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    static String key(String name, Object[] args) {
        StringBuilder key = new StringBuilder(name);
        int tensors = 0;
        for (Object a : args == null ? new Object[0] : args) {
            if (a instanceof Tensor t && tensors < 2) {
                key.append(' ').append(t.shapeString().replace(" ", ""));
                tensors++;
            } else if (a instanceof Conv2dSpec spec && spec.stride() != 1) {
                key.append(" stride ").append(spec.stride());
            }
        }
        return key.toString();
    }
}
