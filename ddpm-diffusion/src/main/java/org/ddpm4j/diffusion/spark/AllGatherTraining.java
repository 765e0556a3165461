package org.ddpm4j.diffusion.spark;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.ddpm4j.diffusion.DiffusionMetadata;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.TrainingObjective;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.train.BatchRecipe;
import org.ddpm4j.diffusion.train.GradientReduction;
import org.ddpm4j.diffusion.train.GradientSum;
import org.ddpm4j.diffusion.train.MicroBatch;
import org.ddpm4j.diffusion.train.Trainer;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.nn.ModelConfig;
import org.ddpm4j.nn.UNet;
import scala.Function1;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;

/**
 * The other data-parallel pattern on Spark, barrier execution mode: one barrier stage for the whole run, in which
 * every worker runs the training loop on its own replica with its own Adam and EMA, and at every step the workers
 * exchange their gradients with {@link BarrierTaskContext#allGather}, which carries strings and passes them through
 * the driver. Every worker adds the gathered gradients in rank order, so all end with the same weights, Adam state
 * and EMA, and with what {@link SparkGradients} and {@code new LocalGradients(k)} compute, bit for bit.
 *
 * <p>It exists to measure the two patterns against each other ({@code ddpm bench spark}), and has what that needs
 * only: unconditional training, no checkpoints, and no recovery short of running the stage again (a barrier stage
 * restarts all its tasks when one fails). Training uses {@link SparkGradients}; its notes say why.
 */
public final class AllGatherTraining {
    private AllGatherTraining() {
    }

    /**
     * The trainer's settings, as every worker builds its trainer from them (other settings keep their defaults).
     *
     * @param batchSize    the global batch, one micro-batch per worker
     * @param learningRate Adam's step size
     * @param flips        random horizontal flips
     * @param seed         the seed of every random draw
     * @param emaDecay     the EMA's decay
     */
    public record Settings(int batchSize, double learningRate, boolean flips, long seed, double emaDecay)
            implements Serializable {
    }

    /**
     * What a run measured and computed.
     *
     * @param losses       the mean loss of every step
     * @param stepSeconds  worker 0's wall time of every step: its micro-batch, the exchange and the update
     * @param checksums    every worker's checksum of its final weights, by rank
     * @param weights      worker 0's final weights, concatenated in parameter order
     * @param messageBytes the characters of one worker's message per step (its gradient, serialised and in Base64)
     */
    public record Result(double[] losses, double[] stepSeconds, long[] checksums, float[] weights, long messageBytes) {
    }

    /** What worker {@code rank} sends back when the stage ends. */
    private record Outcome(int rank, double[] losses, double[] stepSeconds, long checksum, float[] weights,
                           long messageBytes) implements Serializable {
    }

    /**
     * Trains {@code steps} steps from {@code model}'s weights on {@code workers} workers of {@code threads} threads,
     * each worker on its shard of {@code data}; {@code model} itself is left as it was.
     *
     * @throws IllegalArgumentException when a count is below 1 or the batch has fewer samples than workers
     */
    public static Result train(JavaSparkContext sc, int workers, int threads, UNet model, GaussianDiffusion diffusion,
                               Dataset data, Settings settings, int steps) {
        if (workers < 1 || threads < 1 || steps < 1 || settings.batchSize() < workers) {
            throw new IllegalArgumentException("all-gather training needs at least one worker, thread and step, and a "
                    + "sample per worker; got " + workers + " workers × " + threads + " threads, " + steps
                    + " steps, batch " + settings.batchSize());
        }
        String config = Replica.json(model.config());
        Map<String, String> diffusionMetadata = Map.copyOf(diffusion.checkpointMetadata());
        String backend = model.backend().name();
        Broadcast<float[]> start = sc.broadcast(Replica.weights(model.parameters()));
        try {
            Function1<scala.collection.Iterator<ShardData>, scala.collection.Iterator<Outcome>> task =
                    (Function1<scala.collection.Iterator<ShardData>, scala.collection.Iterator<Outcome>> & Serializable)
                            it -> CollectionConverters.asScala(List.of(work(BarrierTaskContext.get(), it.next(),
                                    config, diffusionMetadata, backend, threads, workers, start.value(), settings,
                                    steps)).iterator());
            List<Outcome> outcomes = new ArrayList<>(sc.parallelize(ShardData.split(data, workers), workers).rdd().barrier()
                    .mapPartitions(task, false, ClassTag$.MODULE$.apply(Outcome.class)).toJavaRDD().collect());
            outcomes.sort(Comparator.comparingInt(Outcome::rank));
            long[] checksums = outcomes.stream().mapToLong(Outcome::checksum).toArray();
            Outcome first = outcomes.get(0);
            return new Result(first.losses(), first.stepSeconds(), checksums, first.weights(), first.messageBytes());
        } finally {
            start.destroy();
        }
    }

    private static Outcome work(BarrierTaskContext ctx, ShardData shard, String configJson,
                                Map<String, String> diffusionMetadata, String backend, int threads, int workers,
                                float[] start, Settings s, int steps) {
        int rank = ctx.partitionId();
        UNet replica = Replica.unet(configJson, backend, threads);
        Replica.load(start, replica.parameters());
        Exchange exchange = new Exchange(ctx, rank, workers);
        Trainer trainer = Trainer.builder(replica, DiffusionMetadata.gaussian(diffusionMetadata))
                .data(shard.dataset()).batchSize(s.batchSize()).learningRate(s.learningRate()).flips(s.flips())
                .seed(s.seed()).emaDecay(s.emaDecay()).gradientReduction(exchange).build();
        double[] losses = new double[steps], seconds = new double[steps];
        for (int i = 0; i < steps; i++) {
            long t0 = System.nanoTime();
            losses[i] = trainer.trainStep();
            seconds[i] = (System.nanoTime() - t0) / 1e9;
        }
        float[] weights = Replica.weights(replica.parameters());
        return new Outcome(rank, losses, seconds, Replica.checksum(weights), rank == 0 ? weights : null,
                exchange.messageBytes);
    }

    /** A worker's side of a step: its own micro-batch, then everyone's gradients gathered and added in rank order. */
    private static final class Exchange implements GradientReduction {
        private final BarrierTaskContext ctx;
        private final int rank;
        private final int workers;
        private long messageBytes;

        Exchange(BarrierTaskContext ctx, int rank, int workers) {
            this.ctx = ctx;
            this.rank = rank;
            this.workers = workers;
        }

        @Override
        public int microBatches() {
            return workers;
        }

        @Override
        public double gradient(long step, Denoiser model, TrainingObjective objective, ModelConfig config,
                               Dataset shard, BatchRecipe recipe) {
            GradientSum mine = MicroBatch.accumulate(model, objective, r -> shard, recipe, step, rank, rank + 1);
            String message = encode(mine);
            messageBytes = message.length();
            GradientSum sum = new GradientSum(mine.length());
            for (String part : ctx.allGather(message)) {
                sum.add(decode(part));
            }
            sum.writeTo(model.parameters());
            return sum.loss();
        }
    }

    private static String encode(GradientSum sum) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(sum);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    private static GradientSum decode(String message) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(
                Base64.getDecoder().decode(message)))) {
            return (GradientSum) in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("a worker's gradient message cannot be read: " + e.getMessage(), e);
        }
    }
}
