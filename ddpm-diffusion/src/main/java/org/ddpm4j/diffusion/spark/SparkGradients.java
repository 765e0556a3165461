package org.ddpm4j.diffusion.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.ddpm4j.diffusion.TrainingObjective;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.train.BatchRecipe;
import org.ddpm4j.diffusion.train.GradientReduction;
import org.ddpm4j.diffusion.train.GradientSum;
import org.ddpm4j.diffusion.train.MicroBatch;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.nn.ModelConfig;
import org.ddpm4j.nn.UNetConfig;

/**
 * Data-parallel training on Apache Spark: each step's gradient computed by {@code workers} Spark tasks, each on its
 * shards of the data (cached on its executor), as Spark MLlib trains: one Spark job per step. The driver broadcasts
 * the step's weights; every task loads them into its replica, backpropagates its {@code m} micro-batches one after the
 * other (task w computes micro-batches w·m to w·m + m − 1, each from its shard) and sends back their weighted sum; the
 * driver adds the workers' sums in rank order ({@link GradientSum}), and the
 * {@link org.ddpm4j.diffusion.train.Trainer} clips, applies Adam and updates the EMA once. So the optimiser state and
 * the EMA exist once, on the driver, and a run with k workers of m micro-batches computes exactly what
 * {@code new LocalGradients(k·m, k)} computes in one process. More micro-batches per worker make each step's batch
 * larger for the same traffic: the synchronisation's cost is spread over more samples.
 *
 * <p>A task that fails or is killed is run again by Spark from the broadcast weights and its cached shard, so it
 * costs a retry, never a step's consistency. The shards are checkpointed when training starts: into the context's
 * checkpoint directory when it has one ({@code SparkContext.setCheckpointDir}, on a cluster a shared file system),
 * from which a lost executor's shard is read again; without one they live on the executors only, and losing an
 * executor ends the run. When the driver stops, training resumes from the last checkpoint file as single-process
 * training does.
 *
 * <p>Every task reports the checksum of the weights it computed at; a step whose workers disagree with the driver is
 * refused ({@link IllegalStateException}), and {@link #lastChecksums} shows them.
 */
public final class SparkGradients implements GradientReduction, AutoCloseable {
    private final JavaSparkContext sc;
    private final int workers;
    private final int microBatchesPerWorker;
    private final int threadsPerWorker;
    private final String runId = UUID.randomUUID().toString();
    private JavaRDD<ShardData> shards;
    private String replicaConfig;
    private Map<String, String> replicaDiffusion;
    private long[] lastChecksums = new long[0];
    private long lastDriverChecksum;
    private long bytesSent;
    private long bytesReceived;

    /**
     * @param sc                    the Spark context to run on (the caller owns it)
     * @param workers               tasks per step
     * @param microBatchesPerWorker micro-batches each task accumulates per step (each from its own shard of the data)
     * @param threadsPerWorker      the SIMD threads of each task's replica
     * @throws IllegalArgumentException when a count is below 1
     */
    public SparkGradients(JavaSparkContext sc, int workers, int microBatchesPerWorker, int threadsPerWorker) {
        if (workers < 1 || microBatchesPerWorker < 1 || threadsPerWorker < 1) {
            throw new IllegalArgumentException("Spark training needs at least one worker, one micro-batch and one "
                    + "thread each, got " + workers + " workers × " + microBatchesPerWorker + " micro-batches × "
                    + threadsPerWorker + " threads");
        }
        this.sc = sc;
        this.workers = workers;
        this.microBatchesPerWorker = microBatchesPerWorker;
        this.threadsPerWorker = threadsPerWorker;
    }

    @Override
    public int microBatches() {
        return workers * microBatchesPerWorker;
    }

    @Override
    public double gradient(long step, Denoiser model, TrainingObjective objective, ModelConfig config, Dataset data,
                           BatchRecipe recipe) {
        if (!(config instanceof UNetConfig)) {
            throw new IllegalArgumentException("Spark training builds U-Net replicas from the trainer's model config, "
                    + "but it is " + config + ": pass the U-Net's config to Trainer.Builder.modelConfig");
        }
        if (shards == null) {
            shards = distribute(data);
            // What a worker builds its replica from, the same for every step: serialised once.
            replicaConfig = Replica.json(config);
            replicaDiffusion = Map.copyOf(objective.checkpointMetadata());
        }
        float[] weights = Replica.weights(model.parameters());
        long driverChecksum = Replica.checksum(weights);
        String configJson = replicaConfig, backend = model.backend().name(), run = runId;
        Map<String, String> diffusion = replicaDiffusion;
        int threads = threadsPerWorker, m = microBatchesPerWorker;
        Broadcast<float[]> sent = sc.broadcast(weights);
        List<WorkerResult> results;
        try {
            results = new ArrayList<>(shards.mapPartitionsWithIndex((rank, it) -> {
                List<ShardData> mine = new ArrayList<>(m);
                it.forEachRemaining(mine::add);
                Replica replica = Replica.of(run, rank, configJson, diffusion, backend, threads);
                synchronized (replica) {
                    replica.load(sent.value());
                    GradientSum part = MicroBatch.accumulate(replica.model, replica.diffusion,
                            r -> mine.get(r - rank * m).dataset(), recipe, step, rank * m, (rank + 1) * m);
                    return List.of(new WorkerResult(rank, part,
                            Replica.checksum(Replica.weights(replica.model.parameters())))).iterator();
                }
            }, true).collect());
        } finally {
            sent.destroy();
        }
        results.sort(Comparator.comparingInt(WorkerResult::rank));
        check(step, results, driverChecksum);
        GradientSum sum = new GradientSum(weights.length);
        for (WorkerResult r : results) {
            sum.add(r.gradients());
            bytesReceived += 4L * r.gradients().length();
        }
        bytesSent += 4L * weights.length * workers;
        sum.writeTo(model.parameters());
        return sum.loss();
    }

    private JavaRDD<ShardData> distribute(Dataset data) {
        // One partition per worker: parallelize slices a list of w·m items into w partitions of m consecutive items.
        JavaRDD<ShardData> rdd = sc.parallelize(ShardData.split(data, microBatches()), workers).persist(StorageLevel.MEMORY_AND_DISK());
        // A parallelized collection's partitions hold their data, so every task of every step would carry its shard
        // again; a checkpoint cuts that lineage, and tasks then carry only the partition's index. A reliable one
        // (the context's checkpoint directory, on a cluster a shared file system) survives a lost executor; without
        // one the shards are kept by the executors alone.
        if (sc.getCheckpointDir().isPresent()) {
            rdd.checkpoint();
        } else {
            rdd.rdd().localCheckpoint();
        }
        rdd.count();
        return rdd;
    }

    private void check(long step, List<WorkerResult> results, long driverChecksum) {
        if (results.size() != workers) {
            throw new IllegalStateException("step " + (step + 1) + ": " + results.size() + " of " + workers
                    + " workers answered");
        }
        long[] sums = new long[workers];
        for (int k = 0; k < workers; k++) {
            WorkerResult r = results.get(k);
            if (r.rank() != k) {
                throw new IllegalStateException("step " + (step + 1) + ": worker " + k + " is missing");
            }
            sums[k] = r.weightsChecksum();
            if (sums[k] != driverChecksum) {
                throw new IllegalStateException(String.format("step %d: worker %d computed at weights with checksum "
                        + "%016x, the driver's are %016x", step + 1, k, sums[k], driverChecksum));
            }
        }
        lastChecksums = sums;
        lastDriverChecksum = driverChecksum;
    }

    /** The weight checksums the workers reported for the last step, by rank (each equals {@link #lastDriverChecksum}). */
    public long[] lastChecksums() {
        return lastChecksums.clone();
    }

    /** The checksum of the driver's weights at the last step. */
    public long lastDriverChecksum() {
        return lastDriverChecksum;
    }

    /** Weight bytes sent to workers so far (the broadcast's payload once per worker; Spark's framing not counted). */
    public long bytesSent() {
        return bytesSent;
    }

    /** Gradient bytes received from workers so far. */
    public long bytesReceived() {
        return bytesReceived;
    }

    /** Drops the cached shards; the Spark context stays the caller's. */
    @Override
    public void close() {
        if (shards != null) {
            shards.unpersist(false);
            shards = null;
        }
        Replica.forget(runId);
    }
}
