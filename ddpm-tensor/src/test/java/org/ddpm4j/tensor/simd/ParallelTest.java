package org.ddpm4j.tensor.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The team's chunks: each item runs once, and a chunk that no worker has started is run by the caller. */
class ParallelTest {
    /** Only a fallback, so that a regression fails the test instead of hanging it; nothing is timed. */
    private static final long DEADLOCK_GUARD_SECONDS = 60;

    @Test
    void theCallerRunsAChunkThatNoWorkerHasStarted() throws Exception {
        Parallel parallel = new Parallel(2);
        try {
            CountDownLatch workerBusy = new CountDownLatch(1), callerDone = new CountDownLatch(1);
            // Another caller's second chunk occupies the only worker until this caller's op is done; its first chunk
            // waits for the worker to start the second, so that the other caller cannot take that one itself.
            Thread other = new Thread(() -> parallel.forRange(2, (start, end) -> {
                if (start == 0) {
                    await(workerBusy);
                } else {
                    workerBusy.countDown();
                    await(callerDone);
                }
            }));
            other.start();
            assertTrue(workerBusy.await(DEADLOCK_GUARD_SECONDS, TimeUnit.SECONDS), "the worker took the other chunk");

            int n = 1000;
            AtomicIntegerArray runs = new AtomicIntegerArray(n);
            ConcurrentHashMap<Integer, Thread> runners = new ConcurrentHashMap<>();
            parallel.forRange(n, (start, end) -> {
                runners.put(start, Thread.currentThread());
                for (int i = start; i < end; i++) {
                    runs.incrementAndGet(i);
                }
            });
            callerDone.countDown();
            other.join();

            assertEquals(2, runners.size(), "two chunks");
            runners.values().forEach(t -> assertEquals(Thread.currentThread(), t, "both chunks ran on the caller"));
            for (int i = 0; i < n; i++) {
                assertEquals(1, runs.get(i), "item " + i + " runs once");
            }
        } finally {
            parallel.shutdown();
        }
    }

    @Test
    void everyItemRunsOnceWhenTheWorkersAreFree() {
        Parallel parallel = new Parallel(3);
        try {
            for (int round = 0; round < 200; round++) {
                assertEachItemRunsOnce(parallel, 7 + round, "round " + round);
            }
        } finally {
            parallel.shutdown();
        }
    }

    /**
     * Two callers at once, many short ranges each: one hands chunks to the workers while the other runs its own, and
     * a worker may take a slot's chunk after its caller has claimed it; every item of every range still runs once.
     */
    @Test
    void everyItemRunsOnceUnderTwoCallers() throws Exception {
        Parallel parallel = new Parallel(3);
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int caller = 0; caller < 2; caller++) {
                done.add(callers.submit(() -> {
                    for (int round = 0; round < 2000; round++) {
                        assertEachItemRunsOnce(parallel, 3 + round % 11, "round " + round);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(DEADLOCK_GUARD_SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            callers.shutdownNow();
            parallel.shutdown();
        }
    }

    /** A chunk's exception reaches the caller as thrown, after every chunk has finished; the team then works on. */
    @Test
    void aWorkersExceptionReachesTheCallerAndTheTeamWorksOn() {
        Parallel parallel = new Parallel(3);
        try {
            AtomicIntegerArray finished = new AtomicIntegerArray(3);
            IllegalArgumentException thrown = assertThrows(
                    IllegalArgumentException.class, () -> parallel.forRange(3, (start, end) -> {
                        if (start == 2) {
                            throw new IllegalArgumentException("chunk at 2");
                        }
                        finished.set(start, 1);
                    }));
            assertEquals("chunk at 2", thrown.getMessage());
            assertEquals(1, finished.get(0), "the caller's chunk finished");
            assertEquals(1, finished.get(1), "the other worker's chunk finished");
            assertEachItemRunsOnce(parallel, 30, "after the failure");
        } finally {
            parallel.shutdown();
        }
    }

    /**
     * A team that times its chunks splits a range as its thread count would and runs the chunks in order on the
     * caller, and keeps each range's chunk times.
     */
    @Test
    void aTimingTeamRunsTheChunksInOrderOnTheCaller() {
        ChunkSpans spans = new ChunkSpans();
        Parallel parallel = new Parallel(3, spans);
        List<int[]> chunks = new ArrayList<>();
        List<Thread> runners = new ArrayList<>();
        parallel.forRange(10, (start, end) -> {
            chunks.add(new int[] {start, end});
            runners.add(Thread.currentThread());
        });
        assertEquals(List.of("[0, 3]", "[3, 6]", "[6, 10]"), chunks.stream().map(java.util.Arrays::toString).toList());
        runners.forEach(t -> assertEquals(Thread.currentThread(), t, "every chunk ran on the caller"));
        assertEquals(1, spans.count());
        assertEquals(3, spans.ranges().getFirst().length, "a time per chunk");

        // A range too cheap to split is one chunk; an empty one is no range.
        parallel.forRange(4, 1, (start, end) -> { });
        parallel.forRange(0, (start, end) -> { });
        assertEquals(2, spans.count());
        assertEquals(1, spans.ranges().get(1).length);
        assertEachItemRunsOnce(parallel, 37, "a timing team");
        spans.clear();
        assertEquals(0, spans.count());
        parallel.shutdown();
        assertThrows(IllegalStateException.class, () -> parallel.forRange(2, (start, end) -> { }),
                "shut down, as a real team");
    }

        @Test
    void aRangeAfterShutdownIsRefused() {
        Parallel parallel = new Parallel(2);
        parallel.shutdown();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> parallel.forRange(2, (start, end) -> { }));
        assertTrue(e.getMessage().contains("shut down"), e.getMessage());
    }

    /** Runs a range of n items on {@code parallel}, counting each item's runs, and checks that each ran once. */
    private static void assertEachItemRunsOnce(Parallel parallel, int n, String what) {
        AtomicIntegerArray runs = new AtomicIntegerArray(n);
        parallel.forRange(n, (start, end) -> {
            for (int i = start; i < end; i++) {
                runs.incrementAndGet(i);
            }
        });
        for (int i = 0; i < n; i++) {
            assertEquals(1, runs.get(i), what + ", item " + i);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(DEADLOCK_GUARD_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
