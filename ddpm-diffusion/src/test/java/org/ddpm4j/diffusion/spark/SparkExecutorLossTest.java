package org.ddpm4j.diffusion.spark;

import static org.ddpm4j.diffusion.spark.SparkRuns.assertSameRun;
import static org.ddpm4j.diffusion.spark.SparkRuns.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.ddpm4j.diffusion.spark.SparkRuns.Run;
import org.ddpm4j.diffusion.train.LocalGradients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Workers in separate JVMs: Spark's {@code local-cluster} mode runs a standalone Master and Worker in this JVM, and
 * the Worker launches each executor as its own process, as on a cluster. Training across two executor processes
 * computes exactly what one process computes; and an executor process killed in the middle of training takes its
 * cached shard with it, and its running task when the kill lands before the task ends (the listener that kills runs
 * beside the task, so that is likely but not certain). The run goes on, the task re-run on the other executor or the
 * Master's replacement and the shard read back from the checkpoint directory, and ends with the same bits; and the
 * Master starts a replacement executor.
 */
class SparkExecutorLossTest {
    private static final int WORKERS = 2;
    /** How long the executor processes may take to start and register (each loads Spark's jars). */
    private static final long EXECUTORS_UP_MILLIS = 120_000;
    private static JavaSparkContext sc;
    private static Path sparkHome;

    @BeforeAll
    static void startCluster() throws IOException {
        // The Worker builds the executors' command with Spark's launcher, which wants a Spark installation. In
        // Spark's testing mode an empty one with the two directories the launcher probes is enough, and the
        // executors get this JVM's class path.
        sparkHome = Files.createTempDirectory("spark-home");
        Files.createDirectories(sparkHome.resolve("jars"));
        Files.createDirectories(sparkHome.resolve("launcher/target/scala-2.13"));
        System.setProperty("spark.testing", "true");
        System.setProperty("spark.test.home", sparkHome.toString());
        sc = new JavaSparkContext(new SparkConf().setMaster("local-cluster[" + WORKERS + ",1,1024]")
                .setAppName("ddpm4j-executor-loss-test").set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                // A task goes to a free executor at once. With Spark's default wait (3 s) for the executor that caches
                // its shard, a first step whose two tasks both ran on one executor kept every later step there, and
                // the test saw one executor (a CI run).
                .set("spark.locality.wait", "0")
                .set("spark.executor.extraJavaOptions", "--add-modules jdk.incubator.vector"));
        // A reliable checkpoint: a lost executor's shard is read back from here.
        sc.setCheckpointDir(sparkHome.resolve("checkpoints").toString());
    }

    /** Waits until both executor processes run and have registered (after a kill, the Master's replacement too). */
    private static void awaitExecutors() throws InterruptedException {
        long deadline = System.currentTimeMillis() + EXECUTORS_UP_MILLIS;
        // The status tracker lists the driver as well.
        while (executorProcesses().size() < WORKERS || sc.sc().statusTracker().getExecutorInfos().length <= WORKERS) {
            assertTrue(System.currentTimeMillis() < deadline, "the executors did not register in time");
            Thread.sleep(200);
        }
    }

    @AfterAll
    static void stopCluster() throws IOException {
        try {
            if (sc != null) {
                sc.stop();
            }
        } finally {
            System.clearProperty("spark.testing");
            System.clearProperty("spark.test.home");
            try (Stream<Path> files = Files.walk(sparkHome)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The executor JVMs: this JVM's child processes that run Java. */
    private static List<ProcessHandle> executorProcesses() {
        return ProcessHandle.current().children()
                .filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false)).toList();
    }

    /** Every executor's process id, asked of the executors themselves. */
    private static Map<String, Long> executorPids() {
        Map<String, Long> pids = new HashMap<>();
        while (pids.size() < WORKERS) {
            for (String e : sc.parallelize(List.of(1, 2, 3, 4, 5, 6, 7, 8), 8).mapPartitions(it -> List.of(
                    SparkEnv.get().executorId() + "=" + ProcessHandle.current().pid()).iterator()).collect()) {
                pids.put(e.substring(0, e.indexOf('=')), Long.parseLong(e.substring(e.indexOf('=') + 1)));
            }
        }
        return pids;
    }

    @Test
    void twoExecutorProcessesComputeExactlyWhatOneProcessComputes() throws IOException, InterruptedException {
        awaitExecutors();
        Run local = run(new LocalGradients(WORKERS), 0, SparkRuns.STEPS, null, null);
        Set<String> executors = ConcurrentHashMap.newKeySet();
        SparkListener recorder = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                executors.add(end.taskInfo().executorId());
            }
        };
        sc.sc().addSparkListener(recorder);
        try (SparkGradients spark = new SparkGradients(sc, WORKERS, 1, 1)) {
            assertSameRun(local, run(spark, 0, SparkRuns.STEPS, null, null));
        } finally {
            sc.sc().removeSparkListener(recorder);
        }
        assertTrue(executors.size() >= 2, "tasks ran in executors " + executors);
    }

    @Test
    void anExecutorProcessKilledMidTrainingLeavesTheRunUnchanged() throws IOException, InterruptedException {
        awaitExecutors();
        Run local = run(new LocalGradients(WORKERS), 0, SparkRuns.STEPS, null, null);
        AtomicInteger started = new AtomicInteger(), removed = new AtomicInteger();
        Set<Long> killed = ConcurrentHashMap.newKeySet();
        Map<String, Long> pids = executorPids();
        SparkListener killer = new SparkListener() {
            @Override
            public void onTaskStart(SparkListenerTaskStart start) {
                // Kill the process of the executor given step 3's first task. Before it: the shards' shipping (a
                // job to cache them, one to checkpoint them) and steps 1 and 2, each a task per worker.
                if (started.incrementAndGet() == 2 * WORKERS + 2 * WORKERS + 1) {
                    long pid = pids.get(start.taskInfo().executorId());
                    killed.add(pid);
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
            }

            @Override
            public void onExecutorRemoved(SparkListenerExecutorRemoved event) {
                removed.incrementAndGet();
            }
        };
        sc.sc().addSparkListener(killer);
        try (SparkGradients spark = new SparkGradients(sc, WORKERS, 1, 1)) {
            assertSameRun(local, run(spark, 0, SparkRuns.STEPS, null, null));
        } finally {
            sc.sc().removeSparkListener(killer);
        }
        assertEquals(1, killed.size(), "an executor process was killed");
        long pid = killed.iterator().next();
        assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "executor process " + pid + " is gone");
        assertTrue(removed.get() >= 1, "Spark saw the executor go");
        awaitExecutors();
    }
}
