package org.ddpm4j.tensor.simd;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed pool that splits a range of independent work items into one contiguous chunk per thread; the calling
 * thread runs the first chunk itself, then any chunk that no worker has started. Chunks are static so that a given
 * thread count always produces the same floating-point reduction order. Bodies must not call back into
 * {@code Parallel} (no nesting), which keeps the pool free of deadlocks: workers never wait.
 *
 * <p>Both sides of a hand-off spin briefly before they park, as OpenMP's threads do: an idle worker polls for the
 * next chunk, and the caller polls for the workers' chunks to finish. Waking a parked thread takes tens of
 * microseconds on a virtual machine, as long as a whole chunk of a GroupNorm or an elementwise op, and a U-Net step
 * is hundreds of such ops back to back. After a short pure spin the waiting thread yields between polls: when the
 * machine has more runnable threads than cores (a neighbour's work, a hypervisor's stolen time), a thread that only
 * spins holds a core that the thread it waits for may need, and every hand-off of an op waits out a time slice.
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

    @FunctionalInterface
    interface RangeBody {
        void run(int start, int end);
    }

    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    private final int threads;
    private final ExecutorService pool;

    Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("thread count must be at least 1 but was " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : new ThreadPoolExecutor(threads - 1, threads - 1, 0, TimeUnit.MILLISECONDS,
                new SpinningQueue(), daemonThreads());
    }

    int threads() {
        return threads;
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
        if (chunks <= 1) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        FutureTask<?>[] futures = new FutureTask<?>[chunks - 1];
        for (int i = 1; i < chunks; i++) {
            int start = bound(n, chunks, i), end = bound(n, chunks, i + 1);
            futures[i - 1] = new FutureTask<>(() -> body.run(start, end), null);
            try {
                pool.execute(futures[i - 1]);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                throw new IllegalStateException("the SIMD backend was shut down", e);
            }
        }
        Throwable failure = null;
        try {
            body.run(0, bound(n, chunks, 1));
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        // A chunk that no worker has started yet (its thread descheduled: a neighbour's work, the hypervisor's stolen
        // time) runs here instead of being waited for. A FutureTask runs once, for whoever calls run() first, so the
        // chunks, and with them the reduction order, stay the same.
        for (FutureTask<?> f : futures) {
            if (!f.isDone()) {
                f.run();
            }
        }
        // Every chunk is waited for even when the caller is interrupted: a chunk still running would otherwise write
        // into buffers the caller reuses. Chunks are short, so the wait is too; the interrupt is restored after it,
        // for the caller's own loop (a training or sampling step) to act on.
        boolean interrupted = false;
        for (FutureTask<?> f : futures) {
            for (long start = System.nanoTime(), spun = 0; !f.isDone() && spun < SPIN_NANOS;
                 spun = System.nanoTime() - start) {
                pause(spun);
            }
            while (true) {
                try {
                    f.get();
                    break;
                } catch (ExecutionException e) {
                    failure = failure == null ? e.getCause() : failure;
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
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

    private static ThreadFactory daemonThreads() {
        int poolId = POOL_IDS.incrementAndGet();
        AtomicInteger ids = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "ddpm4j-simd-" + poolId + "-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** One poll's pause in a wait that has spun for {@code spun} ns: a spin hint at first, then a yield of the core. */
    private static void pause(long spun) {
        if (spun < PURE_SPIN_NANOS) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    /** The workers' task queue: {@code take} polls for {@link #SPIN_NANOS} before it parks. */
    private static final class SpinningQueue extends LinkedBlockingQueue<Runnable> {
        @Override
        public Runnable take() throws InterruptedException {
            for (long start = System.nanoTime(), spun = 0; spun < SPIN_NANOS; spun = System.nanoTime() - start) {
                Runnable task = poll();
                if (task != null) {
                    return task;
                }
                pause(spun);
            }
            return super.take();
        }
    }

    void shutdown() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
