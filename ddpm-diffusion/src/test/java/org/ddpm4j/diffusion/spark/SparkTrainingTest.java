package org.ddpm4j.diffusion.spark;

import static org.ddpm4j.diffusion.spark.SparkRuns.assertSameRun;
import static org.ddpm4j.diffusion.spark.SparkRuns.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskKilled;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.ddpm4j.diffusion.spark.SparkRuns.Run;
import org.ddpm4j.diffusion.train.LocalGradients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training on Spark ({@code local[2]}: two executor threads, each task with its own replica) computes
 * exactly what one process computes with the same micro-batches accumulated in rank order: the same loss at every
 * step and the same weights, EMA and Adam moments, bit for bit; every worker computed at the driver's weights; a
 * killed task is re-run without changing a bit; and a driver stopped and resumed from its checkpoint carries on as the
 * uninterrupted run.
 */
class SparkTrainingTest {
    private static final int STEPS = SparkRuns.STEPS;
    private static final int WORKERS = 2;
    private static JavaSparkContext sc;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        // Up to 4 attempts per task, so a killed attempt is retried (local mode's default allows none).
        sc = new JavaSparkContext(new SparkConf().setMaster("local[" + WORKERS + ",4]").setAppName("ddpm4j-test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
    }

    @AfterAll
    static void stopSpark() {
        sc.stop();
    }

    @Test
    void twoSparkWorkersComputeExactlyWhatOneProcessComputesWithTheSameMicroBatches() throws IOException {
        Run local = run(new LocalGradients(WORKERS), 0, STEPS, null, null);
        try (SparkGradients spark = new SparkGradients(sc, WORKERS, 1, 1)) {
            Run distributed = run(spark, 0, STEPS, null, null);
            assertSameRun(local, distributed);
            assertEquals(WORKERS, spark.lastChecksums().length);
            assertTrue(spark.bytesReceived() > 0 && spark.bytesSent() > 0);
        }
        // The split matters: the same steps over one undivided batch draw other samples, so they end elsewhere.
        Run undivided = run(new LocalGradients(1), 0, STEPS, null, null);
        assertTrue(!local.losses().equals(undivided.losses()));
    }

    @Test
    void workersAccumulatingTwoMicroBatchesEachComputeWhatTheirSingleProcessTwinComputes() throws IOException {
        Run local = run(new LocalGradients(2 * WORKERS, WORKERS), 0, STEPS, null, null);
        try (SparkGradients spark = new SparkGradients(sc, WORKERS, 2, 1)) {
            assertEquals(2 * WORKERS, spark.microBatches());
            assertSameRun(local, run(spark, 0, STEPS, null, null));
        }
    }

    @Test
    void barrierModeWorkersExchangingGradientsByAllGatherComputeWhatOneProcessComputes() throws IOException {
        Run local = run(new LocalGradients(WORKERS), 0, STEPS, null, null);
        AllGatherTraining.Result gathered = AllGatherTraining.train(sc, WORKERS, 1, SparkRuns.model(),
                SparkRuns.diffusion(), SparkRuns.data(), SparkRuns.SETTINGS, STEPS);
        assertArrayEquals(local.losses().stream().mapToDouble(Double::doubleValue).toArray(), gathered.losses());
        float[] weights = local.state().subList(0, SparkRuns.model().parameters().size()).stream()
                .reduce(new float[0], SparkTrainingTest::concat);
        assertArrayEquals(weights, gathered.weights(), "worker 0's final weights");
        long expected = Replica.checksum(weights);
        assertArrayEquals(new long[] {expected, expected}, gathered.checksums(), "every worker's final weights");
        assertEquals(STEPS, gathered.stepSeconds().length);
        assertTrue(gathered.messageBytes() > 4L * weights.length, "a message carries the whole gradient");
    }

    private static float[] concat(float[] a, float[] b) {
        float[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void aKilledTaskIsRunAgainAndTheRunIsUnchanged() throws IOException {
        Run local = run(new LocalGradients(WORKERS), 0, STEPS, null, null);
        AtomicInteger killed = new AtomicInteger();
        Set<Long> asked = ConcurrentHashMap.newKeySet();
        SparkListener killer = new SparkListener() {
            @Override
            public void onTaskStart(SparkListenerTaskStart start) {
                // Kill the first attempt of worker 1's task at every step until one kill has landed.
                if (killed.get() == 0 && start.taskInfo().index() == 1 && start.taskInfo().attemptNumber() == 0
                        && asked.add(start.taskInfo().taskId())) {
                    sc.sc().killTaskAttempt(start.taskInfo().taskId(), false, "test: worker lost");
                }
            }

            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.reason() instanceof TaskKilled) {
                    killed.incrementAndGet();
                }
            }
        };
        sc.sc().addSparkListener(killer);
        try (SparkGradients spark = new SparkGradients(sc, WORKERS, 1, 1)) {
            assertSameRun(local, run(spark, 0, STEPS, null, null));
        } finally {
            sc.sc().removeSparkListener(killer);
        }
        assertTrue(killed.get() >= 1, "a task attempt was killed and run again");
    }

    @Test
    void aDriverStoppedAndResumedFromItsCheckpointCarriesOnAsTheUninterruptedRun() throws IOException {
        Run whole;
        try (SparkGradients spark = new SparkGradients(sc, WORKERS, 1, 1)) {
            whole = run(spark, 0, STEPS, null, null);
        }
        Path ckpt = dir.resolve("run.safetensors");
        Run first, second;
        try (SparkGradients spark = new SparkGradients(sc, WORKERS, 1, 1)) {
            first = run(spark, 0, 2, null, ckpt);
        }
        try (SparkGradients spark = new SparkGradients(sc, WORKERS, 1, 1)) {
            second = run(spark, 2, STEPS, ckpt, null);
        }
        List<Double> losses = new ArrayList<>(first.losses());
        losses.addAll(second.losses());
        assertEquals(whole.losses(), losses);
        for (int i = 0; i < whole.state().size(); i++) {
            assertArrayEquals(whole.state().get(i), second.state().get(i), "state tensor " + i + " after the resume");
        }
    }
}
