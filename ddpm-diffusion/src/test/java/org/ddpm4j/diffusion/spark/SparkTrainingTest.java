package org.ddpm4j.diffusion.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskKilled;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.Schedules;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.train.GradientReduction;
import org.ddpm4j.diffusion.train.Trainer;
import org.ddpm4j.nn.UNet;
import org.ddpm4j.nn.UNetConfig;
import org.ddpm4j.tensor.Backends;
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
    private static final int STEPS = 4, BATCH = 5, WORKERS = 2, DATA = 23, SIZE = 8;
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

    /** What a run leaves: its losses, and every parameter's value, EMA and Adam moments. */
    private record Run(List<Double> losses, List<Long> stepChecksums, List<float[]> state) {
    }

    private static UNetConfig config() {
        return new UNetConfig(1, 32, new int[] {1, 2}, 1, Set.of(), 0.1f, SIZE, 0, false);
    }

    private static Dataset data() {
        SplittableRandom r = new SplittableRandom(11);
        float[][] samples = new float[DATA][SIZE * SIZE];
        for (float[] s : samples) {
            for (int i = 0; i < s.length; i++) {
                s[i] = (float) (2 * r.nextDouble() - 1);
            }
        }
        return new Dataset() {
            @Override
            public int size() {
                return DATA;
            }

            @Override
            public int[] sampleShape() {
                return new int[] {1, SIZE, SIZE};
            }

            @Override
            public void copySample(int index, float[] dst, int offset) {
                System.arraycopy(samples[index], 0, dst, offset, samples[index].length);
            }
        };
    }

    private static Trainer trainer(UNet model, GradientReduction reduction, Path checkpoint) {
        GaussianDiffusion diffusion = GaussianDiffusion.builder().schedule(Schedules.linear(50, 1e-3, 0.1)).build();
        Trainer.Builder b = Trainer.builder(model, diffusion).data(data()).batchSize(BATCH).flips(true).seed(3)
                .learningRate(1e-3).emaDecay(0.9).modelConfig(config()).gradientReduction(reduction);
        return (checkpoint == null ? b : b.checkpoint(checkpoint, 1)).build();
    }

    private static UNet model() {
        return new UNet(config(), Backends.create("simd", 1), new SplittableRandom(7));
    }

    private static Run run(GradientReduction reduction, int from, int to, Path resumeFrom, Path checkpoint)
            throws IOException {
        UNet model = model();
        Trainer t = trainer(model, reduction, checkpoint);
        if (resumeFrom != null) {
            t.resume(resumeFrom);
        }
        assertEquals(from, t.step());
        List<Double> losses = new ArrayList<>();
        List<Long> checksums = new ArrayList<>();
        for (int s = from; s < to; s++) {
            checksums.add(Replica.checksum(Replica.weights(model.parameters())));
            losses.add(t.trainStep());
            if (reduction instanceof SparkGradients spark) {
                for (long c : spark.lastChecksums()) {
                    assertEquals(checksums.get(checksums.size() - 1), c, "a worker's weights at step " + (s + 1));
                }
                assertEquals(WORKERS, spark.lastChecksums().length);
            }
        }
        if (checkpoint != null) {
            t.save(checkpoint);
        }
        List<float[]> state = new ArrayList<>();
        model.parameters().forEach(p -> state.add(p.value().toArray()));
        t.ema().shadow().forEach(e -> state.add(e.toArray()));
        t.adam().firstMoments().forEach(m -> state.add(m.toArray()));
        t.adam().secondMoments().forEach(m -> state.add(m.toArray()));
        return new Run(losses, checksums, state);
    }

    private static void assertSameRun(Run expected, Run actual) {
        assertEquals(expected.losses(), actual.losses(), "losses at every step");
        assertEquals(expected.stepChecksums(), actual.stepChecksums(), "weights before every step");
        assertEquals(expected.state().size(), actual.state().size());
        for (int i = 0; i < expected.state().size(); i++) {
            assertArrayEquals(expected.state().get(i), actual.state().get(i), "weights, EMA and Adam tensor " + i);
        }
    }

    @Test
    void twoSparkWorkersComputeExactlyWhatOneProcessComputesWithTheSameMicroBatches() throws IOException {
        Run local = run(new org.ddpm4j.diffusion.train.LocalGradients(WORKERS), 0, STEPS, null, null);
        try (SparkGradients spark = new SparkGradients(sc, WORKERS, 1)) {
            Run distributed = run(spark, 0, STEPS, null, null);
            assertSameRun(local, distributed);
            assertTrue(spark.bytesReceived() > 0 && spark.bytesSent() > 0);
        }
        // The split matters: the same steps over one undivided batch draw other samples, so they end elsewhere.
        Run undivided = run(new org.ddpm4j.diffusion.train.LocalGradients(1), 0, STEPS, null, null);
        assertTrue(!local.losses().equals(undivided.losses()));
    }

    @Test
    void aKilledTaskIsRunAgainAndTheRunIsUnchanged() throws IOException {
        Run local = run(new org.ddpm4j.diffusion.train.LocalGradients(WORKERS), 0, STEPS, null, null);
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
        try (SparkGradients spark = new SparkGradients(sc, WORKERS, 1)) {
            assertSameRun(local, run(spark, 0, STEPS, null, null));
        } finally {
            sc.sc().removeSparkListener(killer);
        }
        assertTrue(killed.get() >= 1, "a task attempt was killed and run again");
    }

    @Test
    void aDriverStoppedAndResumedFromItsCheckpointCarriesOnAsTheUninterruptedRun() throws IOException {
        Run whole;
        try (SparkGradients spark = new SparkGradients(sc, WORKERS, 1)) {
            whole = run(spark, 0, STEPS, null, null);
        }
        Path ckpt = dir.resolve("run.safetensors");
        Run first, second;
        try (SparkGradients spark = new SparkGradients(sc, WORKERS, 1)) {
            first = run(spark, 0, 2, null, ckpt);
        }
        try (SparkGradients spark = new SparkGradients(sc, WORKERS, 1)) {
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
