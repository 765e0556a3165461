package org.ddpm4j.bench.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ddpm4j.nn.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ddpm train --spark-master local[2]} writes the checkpoint that {@code --micro-batches 2} writes in one
 * process, tensor for tensor and bit for bit; {@code ddpm bench spark} times both Spark patterns and checks that they
 * computed the same steps; and the Spark options are checked before any work.
 */
class SparkTrainCliTest {
    private static final int USAGE = 2;

    @TempDir
    Path dir;

    private CliRun train(String name, String... more) throws IOException {
        Path data = dir.resolve("data");
        if (!Files.exists(data)) {
            Files.createDirectories(data);
            MnistFiles.write(data, "train", 10, 1);
        }
        List<String> args = new ArrayList<>(List.of("train", "--data-dir", data.toString(), "--checkpoint",
                dir.resolve(name + ".safetensors").toString(), "--samples", dir.resolve(name + ".png").toString(),
                "--threads", "1", "--batch", "3", "--steps", "2", "--sample-steps", "2", "--json"));
        args.addAll(List.of(more));
        return CliRun.ddpm(args.toArray(String[]::new));
    }

    @Test
    void sparkTrainingWritesTheCheckpointOfTheSameMicroBatchesInOneProcess() throws IOException {
        Path shards = dir.resolve("spark-checkpoints");
        CliRun spark = train("spark", "--spark-master", "local[2]", "--spark-checkpoint-dir", shards.toString());
        assertEquals(0, spark.exitCode(), spark.err());
        try (var written = Files.walk(shards)) {
            assertTrue(written.anyMatch(p -> p.getFileName().toString().startsWith("part-")),
                    "the shards were checkpointed into --spark-checkpoint-dir");
        }
        assertEquals(2, spark.json().get("spark_workers").asInt());
        assertTrue(spark.json().get("spark_bytes_received").asLong() > 0);
        CliRun local = train("local", "--micro-batches", "2");
        assertEquals(0, local.exitCode(), local.err());
        SafeTensors.Contents a = SafeTensors.read(dir.resolve("spark.safetensors")),
                b = SafeTensors.read(dir.resolve("local.safetensors"));
        assertEquals(b.tensors().keySet(), a.tensors().keySet());
        for (String name : a.tensors().keySet()) {
            assertArrayEquals(b.tensors().get(name).toArray(), a.tensors().get(name).toArray(), name);
        }
        assertEquals("2", a.metadata().get("micro_batches"));
    }

    @Test
    void benchSparkTimesBothPatternsOnTheSameStepsAndCheckedTheyAgree() throws IOException {
        Path data = dir.resolve("bench-data"), csv = dir.resolve("bench.csv");
        Files.createDirectories(data);
        MnistFiles.write(data, "train", 10, 1);
        CliRun bench = CliRun.ddpm("bench", "spark", "--data-dir", data.toString(), "--batch", "2", "--warmup", "1",
                "--steps", "1", "--rounds", "1", "--csv", csv.toString());
        assertEquals(0, bench.exitCode(), bench.err());
        assertTrue(bench.out().contains("The two Spark patterns ended with the same weights, bit for bit"),
                bench.out());
        List<String> rows = Files.readAllLines(csv);
        assertEquals(List.of("one process", "job per step", "barrier allGather"),
                rows.subList(1, rows.size()).stream().map(r -> r.split(",")[1]).toList());
        CliRun tooMany = CliRun.ddpm("bench", "spark", "--data-dir", data.toString(), "--batch", "2",
                "--spark-master", "local[3]");
        assertEquals(USAGE, tooMany.exitCode());
        assertTrue(tooMany.err().contains("--spark-workers 3 exceeds --batch 2"), tooMany.err());
    }

    @Test
    void sparkOptionsAreCheckedBeforeWork() throws IOException {
        CliRun noMaster = train("x", "--spark-workers", "2");
        assertEquals(USAGE, noMaster.exitCode());
        assertTrue(noMaster.err().contains("--spark-workers, --worker-threads and --spark-checkpoint-dir need "
                + "--spark-master"), noMaster.err());
        CliRun tooMany = train("y", "--spark-master", "local[4]");
        assertEquals(USAGE, tooMany.exitCode());
        assertTrue(tooMany.err().contains("--spark-workers 4 × --micro-batches 1 exceeds --batch 3"), tooMany.err());
        CliRun cluster = train("z", "--spark-master", "spark://127.0.0.1:1");
        assertEquals(USAGE, cluster.exitCode());
        assertTrue(cluster.err().contains("--spark-workers: give the number of workers"), cluster.err());
        CliRun perWorker = train("w", "--spark-master", "local[2]", "--micro-batches", "2");
        assertEquals(USAGE, perWorker.exitCode());
        assertTrue(perWorker.err().contains("--spark-workers 2 × --micro-batches 2 exceeds --batch 3"),
                perWorker.err());
        for (String name : List.of("x", "y", "z", "w")) {
            assertTrue(!Files.exists(dir.resolve(name + ".safetensors")), name);
        }
    }
}
