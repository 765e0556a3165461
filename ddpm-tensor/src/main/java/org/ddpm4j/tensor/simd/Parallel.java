package org.ddpm4j.tensor.simd;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed team of worker threads that splits a range of independent work items into one contiguous chunk per
 * thread; the calling thread runs the first chunk itself, then any chunk that no worker has started. Chunks are static
 * so that a given thread count always produces the same floating-point reduction order. Bodies must not call back into
 * {@code Parallel} (no nesting), which keeps the team free of deadlocks: workers never wait.
 *
 * <p>Each worker has a slot of its own, on a cache line of its own, that the caller writes the worker's chunk into
 * and the worker polls, as OpenMP's threads wait at a barrier. A shared task queue (a {@code ThreadPoolExecutor}'s)
 * costs a lock per hand-off that the caller and a polling worker fight over, and a worker that loses it parks: the
 * worker then starts its chunk microseconds late, as long as a whole chunk of a GroupNorm or of a small plane's
 * convolution, and the caller, done with its own chunk, runs the worker's too. A U-Net step is hundreds of such ops
 * back to back, and with sixteen workers the queue's lock is taken sixteen times an op.
 *
 * <p>Both sides of a hand-off spin briefly before they park. After a short pure spin the waiting thread yields
 * between polls: when the machine has more runnable threads than cores (a neighbour's work, a hypervisor's stolen
 * time), a thread that only spins holds a core that the thread it waits for may need.
 *
 * <p>A body that sums into partials of its own chunk allocates them on the thread that runs it, or, in a buffer the
 * caller keeps for all chunks, writes a slice {@link #slicePitch} floats from the next chunk's. Arrays that the caller
 * allocates one after another lie next to each other, as do slices packed end to end, so the end of one chunk's and
 * the start of the next one's share a cache line, which the two threads then take from each other on every write; a
 * GroupNorm backward adds into its dγ and dβ after every group of every image.
 *
 * <p>One caller at a time hands chunks to the workers; a second caller meanwhile runs its own chunks itself, in the
 * same order, so its results are the same bits.
 *
 * <p>A team made with a {@link ChunkSpans} has no workers: it splits each range as its thread count would and runs the
 * chunks one after another on the caller, timing each, which gives the same bits again.
 */
final class Parallel {
    /** Work below this many scalar operations per chunk is not worth a hand-off to another thread. */
    static final long MIN_WORK_PER_CHUNK = 1 << 15;
    /**
     * How long a thread spins before it parks: longer than the serial gap between two ops of a training step (a
     * zeroed buffer, the layer's own code), so that the workers of a busy backend stay awake, and short enough that
     * an idle one soon stops taking a core.
     */
    static final long SPIN_NANOS = 500_000;
    /** How long of that a waiting thread polls without yielding: a hand-off on an otherwise idle machine. */
    static final long PURE_SPIN_NANOS = 20_000;
    /** Array entries between two workers' slots (and flags): 64 bytes or more, so no two share a cache line. */
    private static final int STRIDE = 16;
    /** Floats in a cache line (64 bytes). */
    private static final int LINE_FLOATS = 16;

    @FunctionalInterface
    interface RangeBody {
        void run(int start, int end);
    }

    private static final AtomicInteger TEAM_IDS = new AtomicInteger();

    private final int threads;
    /** Worker k's next chunk at index k·STRIDE; null once the worker has taken it. */
    private final AtomicReferenceArray<Chunk> slots;
    /** 1 at index k·STRIDE while worker k is parked, and must be unparked to see its slot. */
    private final AtomicIntegerArray parked;
    private final Thread[] workers;
    /** Where each range's chunk times go when the chunks run one after another on the caller; null for a real team. */
    private final ChunkSpans spans;
    /** Held by the caller whose chunks the workers run. */
    private final AtomicBoolean handingOut = new AtomicBoolean();
    private volatile boolean shutDown;

    Parallel(int threads) {
        this(threads, null);
    }

    /**
     * A team of {@code threads}, or, with {@code spans}, one that splits ranges as that many threads would but runs
     * every chunk on the caller and charges its time to {@code spans}.
     */
    Parallel(int threads, ChunkSpans spans) {
        if (threads < 1) {
            throw new IllegalArgumentException("thread count must be at least 1 but was " + threads);
        }
        this.threads = threads;
        this.spans = spans;
        int workerCount = spans == null ? threads - 1 : 0;
        this.slots = new AtomicReferenceArray<>(workerCount * STRIDE);
        this.parked = new AtomicIntegerArray(workerCount * STRIDE);
        this.workers = new Thread[workerCount];
        int teamId = TEAM_IDS.incrementAndGet();
        for (int k = 0; k < workers.length; k++) {
            int worker = k;
            workers[k] = new Thread(() -> work(worker), "ddpm4j-simd-" + teamId + "-" + (k + 1));
            workers[k].setDaemon(true);
            workers[k].start();
        }
    }

    int threads() {
        return threads;
    }

    /** Whether this team runs its chunks one after another on the caller ({@link ChunkSpans}). */
    boolean serialises() {
        return spans != null;
    }

    /**
     * The floats from one chunk's slice of a buffer the caller keeps for them to the next one's, for slices of
     * {@code size} floats: a cache line more than a slice, so that no two slices share one.
     */
    static int slicePitch(int size) {
        return size + LINE_FLOATS;
    }

    /** Runs {@code body} over [0, n) in up to {@link #threads()} chunks. */
    void forRange(int n, RangeBody body) {
        forRange(n, Long.MAX_VALUE, body);
    }

    /**
     * Runs {@code body} over [0, n), using fewer chunks when each item is cheap: {@code workPerItem} (scalar
     * operations, roughly) decides how many chunks are worth it.
     */
    void forRange(int n, long workPerItem, RangeBody body) {
        int chunks = chunkCount(n, workPerItem);
        if (spans != null) {
            runTimed(n, chunks, body);
            return;
        }
        if (chunks <= 1) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        if (shutDown) {
            throw new IllegalStateException("the SIMD backend was shut down");
        }
        if (!handingOut.compareAndSet(false, true)) {
            for (int i = 0; i < chunks; i++) {
                body.run(bound(n, chunks, i), bound(n, chunks, i + 1));
            }
            return;
        }
        try {
            runChunks(n, chunks, body);
        } finally {
            handingOut.set(false);
        }
    }

    /** The chunks one after another on the caller, in order, each timed into {@link #spans}. */
    private void runTimed(int n, int chunks, RangeBody body) {
        if (n <= 0) {
            return;
        }
        if (chunks > 1 && shutDown) {
            throw new IllegalStateException("the SIMD backend was shut down");
        }
        long[] nanos = new long[chunks];
        for (int i = 0; i < chunks; i++) {
            long start = System.nanoTime();
            body.run(bound(n, chunks, i), bound(n, chunks, i + 1));
            nanos[i] = System.nanoTime() - start;
        }
        spans.add(nanos);
    }

    private void runChunks(int n, int chunks, RangeBody body) {
        Chunk[] handed = new Chunk[chunks - 1];
        Thread caller = Thread.currentThread();
        for (int i = 1; i < chunks; i++) {
            handed[i - 1] = new Chunk(body, bound(n, chunks, i), bound(n, chunks, i + 1), caller);
            hand(i - 1, handed[i - 1]);
        }
        Throwable failure = null;
        try {
            body.run(0, bound(n, chunks, 1));
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        // A chunk that no worker has started yet (its thread descheduled: a neighbour's work, the hypervisor's stolen
        // time) runs here instead of being waited for. Whoever claims a chunk first runs it, so the chunks, and with
        // them the reduction order, stay the same.
        for (Chunk c : handed) {
            if (c.claim()) {
                c.run();
            }
        }
        // Every chunk is waited for even when the caller is interrupted: a chunk still running would otherwise write
        // into buffers the caller reuses. Chunks are short, so the wait is too; the interrupt is restored after it,
        // for the caller's own loop (a training or sampling step) to act on.
        boolean interrupted = false;
        for (Chunk c : handed) {
            interrupted |= c.awaitDone();
            failure = failure == null ? c.failure : failure;
        }
        if (interrupted) {
            caller.interrupt();
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException("parallel op failed", failure);
        }
    }

    /** The number of chunks {@link #forRange(int, long, RangeBody)} will use. */
    int chunkCount(int n, long workPerItem) {
        if (n <= 1 || threads == 1) {
            return 1;
        }
        long worthwhile = workPerItem >= MIN_WORK_PER_CHUNK ? n
                : Math.max(1, (long) n * Math.max(workPerItem, 1) / MIN_WORK_PER_CHUNK);
        return (int) Math.min(Math.min(threads, n), worthwhile);
    }

    /** The index of the chunk of [0, n) in {@code chunks} chunks that starts at {@code start}. */
    static int chunkStartingAt(int start, int n, int chunks) {
        for (int i = 0; i < chunks; i++) {
            if (bound(n, chunks, i) == start) {
                return i;
            }
        }
        throw new IllegalStateException("no chunk of " + n + " items in " + chunks + " starts at " + start);
    }

    private static int bound(int n, int chunks, int i) {
        return (int) ((long) n * i / chunks);
    }

    /**
     * Puts {@code chunk} in worker k's slot, over any chunk the caller claimed from it last time, and wakes the worker
     * if it sleeps. The slot is written before the flag is read, and the worker sets the flag before it reads the
     * slot a last time, so one of the two sees the other: no chunk waits for a worker that sleeps.
     */
    private void hand(int k, Chunk chunk) {
        slots.set(k * STRIDE, chunk);
        if (parked.get(k * STRIDE) == 1) {
            LockSupport.unpark(workers[k]);
        }
    }

    private void work(int k) {
        while (!shutDown) {
            Chunk chunk = take(k);
            if (chunk != null && chunk.claim()) {
                chunk.run();
            }
        }
    }

    /** Worker k's next chunk: polled for {@link #SPIN_NANOS}, then parked for; null once the team is shut down. */
    private Chunk take(int k) {
        int at = k * STRIDE;
        for (long start = System.nanoTime(), spun = 0; spun < SPIN_NANOS; spun = System.nanoTime() - start) {
            // Read first: a swap on every poll would take the line from the caller that is about to write it.
            if (slots.get(at) != null) {
                return slots.getAndSet(at, null);
            }
            pause(spun);
        }
        parked.set(at, 1);
        try {
            while (!shutDown) {
                Chunk chunk = slots.getAndSet(at, null);
                if (chunk != null) {
                    return chunk;
                }
                LockSupport.park(this);
                // Nothing interrupts a worker on purpose; a stray interrupt must not turn the park into a spin.
                Thread.interrupted();
            }
            return null;
        } finally {
            parked.set(at, 0);
        }
    }

    /** One poll's pause in a wait that has spun for {@code spun} ns: a spin hint at first, then a yield of the core. */
    private static void pause(long spun) {
        if (spun < PURE_SPIN_NANOS) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    void shutdown() {
        shutDown = true;
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
    }

    /** One chunk of a range: run once, by whichever of its worker and the caller claims it first. */
    private static final class Chunk {
        private static final int NEW = 0, CLAIMED = 1, DONE = 2;

        private final RangeBody body;
        private final int start, end;
        private final Thread caller;
        private final AtomicInteger state = new AtomicInteger(NEW);
        /** Set by the caller before it parks, read by the runner after the chunk is done (as in {@link Parallel#hand}). */
        private volatile boolean callerParked;
        /** What the body threw; written before the state becomes DONE, which publishes it. */
        private Throwable failure;

        Chunk(RangeBody body, int start, int end, Thread caller) {
            this.body = body;
            this.start = start;
            this.end = end;
            this.caller = caller;
        }

        boolean claim() {
            return state.compareAndSet(NEW, CLAIMED);
        }

        void run() {
            try {
                body.run(start, end);
            } catch (RuntimeException | Error e) {
                failure = e;
            } finally {
                state.set(DONE);
                if (callerParked) {
                    LockSupport.unpark(caller);
                }
            }
        }

        /** Waits until the chunk is done, spinning first; whether the caller was interrupted meanwhile (cleared). */
        boolean awaitDone() {
            for (long from = System.nanoTime(), spun = 0; state.get() != DONE && spun < SPIN_NANOS;
                 spun = System.nanoTime() - from) {
                pause(spun);
            }
            boolean interrupted = false;
            while (state.get() != DONE) {
                callerParked = true;
                if (state.get() != DONE) {
                    LockSupport.park(this);
                }
                interrupted |= Thread.interrupted();
            }
            return interrupted;
        }
    }
}
