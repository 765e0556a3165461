package org.ddpm4j.bench.compare;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Times ddpm4j and the PyTorch peer case by case in alternating rounds: after both sides have warmed up on a case,
 * each round runs ours and then PyTorch's (every other round PyTorch first) for about {@link Settings#roundSeconds}
 * each, and the case's ratio is the median of the rounds' ratios. Sides that run one after the other over a whole
 * suite can be off by 2× on a shared machine whose speed drifts; rounds seconds apart drift together.
 */
public final class InterleavedComparison {
    /**
     * @param rounds        rounds per case (at least 3)
     * @param roundSeconds  wall time each side gets per round (at least one call)
     * @param warmupSeconds untimed calls per side before the first round (at least two calls; ours go on until the JIT
     *                      is idle)
     */
    public record Settings(int rounds, double roundSeconds, double warmupSeconds) {
        public Settings {
            if (rounds < 3) {
                throw new IllegalArgumentException("--rounds must be at least 3, got " + rounds);
            }
            if (!(roundSeconds > 0) || !(warmupSeconds >= 0)) {
                throw new IllegalArgumentException("--round-seconds must be > 0 and --warmup-seconds >= 0, got "
                        + roundSeconds + " and " + warmupSeconds);
            }
        }

        public static Settings quick() {
            return new Settings(3, 0.3, 0.5);
        }
    }

    private static final int MIN_WARMUP_CALLS = 2;
    /**
     * Our side warms up until the JIT has compiled nothing for this long and this many calls: a fixed warm-up left the
     * first case of a fresh JVM running on half-compiled code for whole rounds, several times slower than after a
     * longer warm-up, its C2 compilations queued behind the cores both sides share (docs/benchmarks.md).
     */
    private static final double JIT_QUIET_MS = 1000;
    private static final int JIT_QUIET_CALLS = 3;
    /** ... but for at most this many times the warm-up time, in case something keeps compiling. */
    private static final double WARMUP_CAP_FACTOR = 10;

    private final Settings settings;
    private final PyTorchPeer peer;
    private final int threads;
    private final String backend;

    public InterleavedComparison(Settings settings, PyTorchPeer peer, int threads, String backend) {
        this.settings = settings;
        this.peer = peer;
        this.threads = threads;
        this.backend = backend;
    }

    /** Measures every case in turn; {@code progress} gets each record as soon as it is measured. */
    public List<ComparisonRecord> run(List<ComparedCase> cases, Consumer<ComparisonRecord> progress) throws IOException {
        List<ComparisonRecord> records = new ArrayList<>();
        for (ComparedCase c : cases) {
            ComparisonRecord r = measure(c);
            progress.accept(r);
            records.add(r);
        }
        return records;
    }

    /** One side of a comparison: runs the current case {@code calls} times and returns each call's ms. */
    @FunctionalInterface
    public interface Side {
        double[] time(int calls) throws IOException;
    }

    private ComparisonRecord measure(ComparedCase c) throws IOException {
        Runnable call = c.ours().get();
        peer.setup(c);
        Side ours = calls -> callMillis(call, calls), torch = peer::time;
        double warmupSeconds = settings.warmupSeconds();
        int oursCalls = callsPerRound(warmUp(ours, warmupSeconds, JitActivity::compileMillis));
        int torchCalls = callsPerRound(warmUp(torch, warmupSeconds, null));
        // A full collection before the rounds: the earlier cases' models are garbage by now, and this case's buffers
        // were just allocated; collecting and promoting them is a one-time cost (seconds with the Parallel collector,
        // which copies young arrays) that would otherwise land in whichever round fills the heap next.
        System.gc();
        List<Double> oursMedians = new ArrayList<>(), torchMedians = new ArrayList<>();
        for (int round = 0; round < settings.rounds(); round++) {
            // Every other round PyTorch goes first, so neither side always runs on the other's warm caches.
            if (round % 2 == 0) {
                oursMedians.add(Medians.of(ours.time(oursCalls)));
                torchMedians.add(Medians.of(torch.time(torchCalls)));
            } else {
                torchMedians.add(Medians.of(torch.time(torchCalls)));
                oursMedians.add(Medians.of(ours.time(oursCalls)));
            }
        }
        return new ComparisonRecord(c.section(), c.name(), c.mode(), threads, backend, c.gflop(), c.gbytes(),
                oursCalls, torchCalls, oursMedians, torchMedians);
    }

    /**
     * Untimed calls until both {@link #MIN_WARMUP_CALLS} and the warm-up time are reached, and, for a side whose JIT
     * is watched (compileMillis, the JIT's total work so far; null for the peer), until it has stood still for
     * {@link #JIT_QUIET_MS} of calls and {@link #JIT_QUIET_CALLS} calls, for at most {@link #WARMUP_CAP_FACTOR} times
     * the warm-up time; the last call's ms.
     */
    public static double warmUp(Side side, double warmupSeconds, LongSupplier compileMillis) throws IOException {
        double last, spent = 0, quietMs = 0, warmupMs = warmupSeconds * 1e3;
        int calls = 0, quietCalls = 0;
        long compiled = compileMillis == null ? 0 : compileMillis.getAsLong();
        boolean jitBusy;
        do {
            last = side.time(1)[0];
            spent += last;
            calls++;
            long now = compileMillis == null ? 0 : compileMillis.getAsLong();
            if (now != compiled) {
                compiled = now;
                quietMs = 0;
                quietCalls = 0;
            } else {
                quietMs += last;
                quietCalls++;
            }
            jitBusy = compileMillis != null && spent < WARMUP_CAP_FACTOR * warmupMs
                    && (quietMs < JIT_QUIET_MS || quietCalls < JIT_QUIET_CALLS);
        } while (calls < MIN_WARMUP_CALLS || spent < warmupMs || jitBusy);
        return last;
    }

    private int callsPerRound(double msPerCall) {
        return (int) Math.max(1, Math.round(settings.roundSeconds() * 1e3 / msPerCall));
    }

    /** Runs {@code call} {@code calls} times; each call's ms. */
    public static double[] callMillis(Runnable call, int calls) {
        double[] ms = new double[calls];
        for (int i = 0; i < calls; i++) {
            long t0 = System.nanoTime();
            call.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return ms;
    }
}
