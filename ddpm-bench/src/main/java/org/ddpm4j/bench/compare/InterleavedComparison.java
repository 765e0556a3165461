package org.ddpm4j.bench.compare;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

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
     * @param warmupSeconds untimed calls per side before the first round (at least two calls)
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

    private ComparisonRecord measure(ComparedCase c) throws IOException {
        Runnable ours = c.ours().get();
        peer.setup(c);
        int oursCalls = callsPerRound(warmUpOurs(ours));
        int torchCalls = callsPerRound(warmUpPeer());
        List<Double> oursMedians = new ArrayList<>(), torchMedians = new ArrayList<>(), ratios = new ArrayList<>();
        for (int round = 0; round < settings.rounds(); round++) {
            double oursMs, torchMs;
            if (round % 2 == 0) {
                oursMs = median(timeOurs(ours, oursCalls));
                torchMs = median(peer.time(torchCalls));
            } else {
                torchMs = median(peer.time(torchCalls));
                oursMs = median(timeOurs(ours, oursCalls));
            }
            oursMedians.add(oursMs);
            torchMedians.add(torchMs);
            ratios.add(torchMs / oursMs);
        }
        double oursMs = median(oursMedians), torchMs = median(torchMedians);
        return new ComparisonRecord(c.section(), c.name(), c.mode(), threads, backend, oursMs, torchMs,
                median(ratios), min(ratios), max(ratios), perSecond(c.gflop(), oursMs), perSecond(c.gbytes(), oursMs),
                oursCalls, torchCalls, oursMedians, torchMedians, ratios);
    }

    /** Warms our side up and returns the last call's time in ms. */
    private double warmUpOurs(Runnable ours) {
        double last;
        double spent = 0;
        int calls = 0;
        do {
            last = timeOurs(ours, 1)[0];
            spent += last;
            calls++;
        } while (calls < MIN_WARMUP_CALLS || spent < settings.warmupSeconds() * 1e3);
        return last;
    }

    private double warmUpPeer() throws IOException {
        double last = 0, spent = 0;
        int calls = 0;
        do {
            last = peer.time(1)[0];
            spent += last;
            calls++;
        } while (calls < MIN_WARMUP_CALLS || spent < settings.warmupSeconds() * 1e3);
        return last;
    }

    private int callsPerRound(double msPerCall) {
        return (int) Math.max(1, Math.round(settings.roundSeconds() * 1e3 / msPerCall));
    }

    private static double[] timeOurs(Runnable call, int calls) {
        double[] ms = new double[calls];
        for (int i = 0; i < calls; i++) {
            long t0 = System.nanoTime();
            call.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return ms;
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    private static Double perSecond(double amount, double ms) {
        return Double.isNaN(amount) ? null : amount / (ms * 1e-3);
    }
}
