package org.ddpm4j.diffusion.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ddpm4j.diffusion.Cancellation;
import org.ddpm4j.diffusion.TrainingObjective;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.nn.ModelConfig;
import org.ddpm4j.nn.Parameter;
import org.ddpm4j.nn.io.Checkpoint;
import org.ddpm4j.nn.optim.Adam;
import org.ddpm4j.nn.optim.Ema;
import org.ddpm4j.nn.optim.GradientClipping;
import org.ddpm4j.tensor.Seeds;

/**
 * DDPM training (Algorithm 1): minibatches drawn uniformly from the data (optionally flipped horizontally, with
 * class labels dropped with probability p_uncond for classifier-free guidance), one {@link TrainingObjective}
 * loss per step (Gaussian or binomial diffusion), global-norm gradient clipping, Adam with warmup and optionally a
 * cosine decay of the learning rate, and an EMA of the weights. Training on the bound can draw t by importance
 * ({@link LossAwareTimesteps}) instead of uniformly.
 *
 * <p>A step whose loss or gradient norm is NaN or infinite is not applied: training stops with a
 * {@link TrainingDivergedException} naming the step and the value, or, when {@link Builder#skipNonFiniteSteps} allows
 * it, the step is skipped (as mixed-precision trainers skip overflowed steps) until too many fail in a row. Weights
 * that an update made non-finite stop training too. Nothing non-finite is ever written to a checkpoint.
 *
 * <p>Every random draw of step k comes from a generator seeded by {@link Seeds#derive}(seed, k) (and the
 * micro-batch's rank when the batch is split, see {@link MicroBatch}), so a run resumed from a checkpoint at step k
 * continues exactly as the uninterrupted run would, and the steps' batches, timesteps, noise and dropout masks are
 * independent of one another.
 *
 * <p>The step's gradient comes from a {@link GradientReduction}: this process by default, optionally as several
 * accumulated micro-batches, or workers elsewhere (Spark). Clipping, Adam and the EMA are applied here, once.
 */
public final class Trainer {
    /** Checkpoint metadata holding the loss history of importance-sampled timesteps. */
    private static final String TIMESTEP_HISTORY_KEY = "timestep_loss_history";

    private final Denoiser model;
    private final TrainingObjective diffusion;
    private final Dataset data;
    private final BatchRecipe recipe;
    private final GradientReduction reduction;
    private final double clipNorm;
    private final Adam adam;
    private final long decaySteps;
    private final LossAwareTimesteps timesteps;
    private final Ema ema;
    private final ModelConfig modelConfig;
    private final Path checkpoint;
    private final int checkpointEvery;
    private final Map<String, String> metadata;
    private final int skipNonFinite;
    private long step;
    private int failedInARow;
    private long skippedSteps;

    private Trainer(Builder b) {
        this.model = b.model;
        this.diffusion = b.diffusion;
        this.data = b.data;
        this.reduction = b.reduction;
        this.recipe = new BatchRecipe(b.batchSize, b.reduction.microBatches(), b.flips, b.conditional, b.labelDropout,
                b.seed);
        if (b.importanceSampling && b.reduction.microBatches() > 1) {
            throw new IllegalArgumentException("importance-sampled timesteps keep one loss history, which micro-batches "
                    + "(gradient accumulation or distributed workers) would each need: use uniform timesteps");
        }
        this.clipNorm = b.clipNorm;
        this.adam = new Adam(model.backend(), model.parameters(), b.learningRate, 0.9, 0.999, 1e-8,
                b.warmupSteps);
        this.decaySteps = b.decaySteps;
        if (b.importanceSampling && !b.diffusion.supportsImportanceSampling()) {
            throw new IllegalArgumentException("importance-sampled timesteps need an objective whose terms are the "
                    + "bound's (a GaussianDiffusion with LossType.VLB, or a BinomialDiffusion)");
        }
        this.timesteps = b.importanceSampling ? new LossAwareTimesteps(b.diffusion.steps()) : null;
        this.ema = new Ema(model.backend(), model.parameters(), b.emaDecay);
        this.modelConfig = b.modelConfig;
        this.checkpoint = b.checkpoint;
        this.checkpointEvery = b.checkpointEvery;
        this.metadata = Map.copyOf(b.metadata);
        this.skipNonFinite = b.skipNonFinite;
    }

    /** A builder with DDPM's training defaults: batch 64, Adam 2e-4, clipping 1.0, EMA 0.9999, no flips. */
    public static Builder builder(Denoiser model, TrainingObjective diffusion) {
        return new Builder(model, diffusion);
    }

    /** Steps done so far (restored by {@link #resume}). */
    public long step() {
        return step;
    }

    /** The exponential moving average of the weights; {@code ema().swap()} puts it into the model for sampling. */
    public Ema ema() {
        return ema;
    }

    /** Steps skipped so far for a non-finite loss or gradient (see {@link Builder#skipNonFiniteSteps}). */
    public long skippedSteps() {
        return skippedSteps;
    }

    /** The optimiser, with its moments and step count. */
    public Adam adam() {
        return adam;
    }

    /**
     * Runs {@code steps} more steps and returns the mean loss of the last 10% of them. An interrupt stops it between
     * two steps with a {@link java.util.concurrent.CancellationException} ({@link Cancellation}); the trainer is then
     * consistent at {@link #step()} and can be saved or trained on.
     */
    public double train(int steps, TrainingListener listener) {
        long start = System.nanoTime(), lastStep = step + steps;
        double tailSum = 0;
        int tailCount = 0;
        for (int i = 0; i < steps; i++) {
            Cancellation.throwIfInterrupted("training at step " + step);
            double loss = trainStep();
            if (i >= steps - Math.max(1, steps / 10) && Double.isFinite(loss)) {
                tailSum += loss;
                tailCount++;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            listener.onStep(new TrainingListener.Progress(step, lastStep, loss, (i + 1) / Math.max(seconds, 1e-9)));
            if (checkpoint != null && checkpointEvery > 0 && step % checkpointEvery == 0) {
                save(checkpoint);
            }
        }
        if (checkpoint != null && steps > 0) {
            save(checkpoint);
        }
        return tailSum / Math.max(tailCount, 1);
    }

    /**
     * One step of Algorithm 1 with everything random drawn from the (seed, step) generator. Returns the loss, which
     * is not finite for a skipped step.
     *
     * @throws TrainingDivergedException when the step's loss or gradient is not finite and may not be skipped, or
     *                                   its update made a weight non-finite
     */
    public double trainStep() {
        double loss;
        // Under the model's lock, as every library call that runs the model (see Denoiser): a sampler on another
        // thread sees the weights between steps, never half-updated.
        synchronized (model) {
            loss = timesteps == null ? reduction.gradient(step, model, diffusion, modelConfig, data, recipe)
                    : MicroBatch.backward(model, diffusion, data, recipe, step, 0, timesteps).loss();
            double norm = GradientClipping.globalNorm(model.backend(), model.parameters());
            if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
                skipOrStop(Double.isFinite(loss) ? "the gradient norm is " + norm : "the loss is " + loss);
                step++;
                return loss;
            }
            failedInARow = 0;
            if (clipNorm > 0) {
                GradientClipping.clipToNorm(model.backend(), model.parameters(), clipNorm, norm);
            }
            adam.step(rateScale());
            requireFiniteWeights();
            ema.update();
        }
        step++;
        return loss;
    }

    /** A step with a non-finite loss or gradient: skipped if allowed, else training stops before any update. */
    private void skipOrStop(String what) {
        failedInARow++;
        if (failedInARow > skipNonFinite) {
            String run = skipNonFinite == 0 ? "" : " (" + failedInARow + " steps in a row, " + skipNonFinite
                    + " allowed)";
            throw new TrainingDivergedException(step + 1, what + run + "; the weights were not updated, so the trainer "
                    + "and its checkpoint hold the last good step. Lower the learning rate, or skip such steps");
        }
        skippedSteps++;
    }

    /** After an update: a weight the update made non-finite ends training (the weights can no longer be used). */
    private void requireFiniteWeights() {
        List<Parameter> params = model.parameters();
        double[] squares = new double[params.size()];
        model.backend().sumsOfSquares(params.stream().map(Parameter::value).toList(), squares);
        for (int i = 0; i < params.size(); i++) {
            if (!Double.isFinite(squares[i])) {
                throw new TrainingDivergedException(step + 1, "the update made weight '" + params.get(i).name()
                        + "' non-finite; the last checkpoint holds the last good weights: resume from it with a lower "
                        + "learning rate");
            }
        }
    }

    /** The learning rate's factor at the current step: 1, or ½(1 + cos(π·step/decaySteps)) falling to 0. */
    private double rateScale() {
        return decaySteps == 0 ? 1.0 : 0.5 * (1 + Math.cos(Math.PI * Math.min(step, decaySteps) / decaySteps));
    }

    /** Writes model, EMA, Adam and the step to {@code file} (atomically). */
    public void save(Path file) {
        try {
            Map<String, String> meta = new java.util.LinkedHashMap<>(diffusion.checkpointMetadata());
            meta.putAll(metadata);
            meta.put("batch_size", Integer.toString(recipe.batchSize()));
            if (recipe.microBatches() > 1) {
                meta.put("micro_batches", Integer.toString(recipe.microBatches()));
            }
            meta.put("seed", Long.toString(recipe.seed()));
            if (timesteps != null) {
                meta.put(TIMESTEP_HISTORY_KEY, timesteps.encode());
            }
            Checkpoint.save(file, model, modelConfig, ema, adam, step, meta);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file, e);
        }
    }

    /** Restores model, EMA, Adam and the step from {@code file}; training then continues where it stopped. */
    public void resume(Path file) throws IOException {
        Checkpoint.Info info = Checkpoint.restore(file, model, modelConfig, ema, adam);
        String history = info.metadata().get(TIMESTEP_HISTORY_KEY);
        if (timesteps != null && history != null) {
            try {
                timesteps.decode(history);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": metadata '" + TIMESTEP_HISTORY_KEY + "': " + e.getMessage(), e);
            }
        }
        step = info.step();
    }

    /** Fluent configuration of a {@link Trainer}; {@link #data} is required. */
    public static final class Builder {
        private final Denoiser model;
        private final TrainingObjective diffusion;
        private Dataset data;
        private int batchSize = 64;
        private double learningRate = 2e-4;
        private int warmupSteps;
        private long decaySteps;
        private boolean importanceSampling;
        private double clipNorm = 1.0;
        private double emaDecay = 0.9999;
        private boolean flips;
        private double labelDropout;
        private boolean conditional;
        private long seed;
        private ModelConfig modelConfig = new ModelConfig.None();
        private Path checkpoint;
        private int checkpointEvery;
        private Map<String, String> metadata = Map.of();
        private int skipNonFinite;
        private GradientReduction reduction = new LocalGradients(1);

        private Builder(Denoiser model, TrainingObjective diffusion) {
            this.model = model;
            this.diffusion = diffusion;
        }

        /** The training set (required); batches are drawn uniformly with replacement. */
        public Builder data(Dataset d) {
            this.data = d;
            return this;
        }

        /** Samples per step (default 64). */
        public Builder batchSize(int b) {
            this.batchSize = b;
            return this;
        }

        /**
         * Split each step's batch into {@code k} micro-batches computed one after the other, their gradients summed
         * (gradient accumulation; default 1). Micro-batch i draws from shard i of the data ({@link ShardedDataset}),
         * as worker i of a distributed run with k workers does.
         */
        public Builder microBatches(int k) {
            this.reduction = new LocalGradients(k);
            return this;
        }

        /**
         * Where each step's gradient is computed (default: in this process, {@link LocalGradients}); e.g. the Spark
         * workers of {@code org.ddpm4j.diffusion.spark.SparkGradients}. Clipping, Adam and the EMA stay here.
         */
        public Builder gradientReduction(GradientReduction r) {
            this.reduction = java.util.Objects.requireNonNull(r, "gradientReduction");
            return this;
        }

        /** Adam's learning rate (default DDPM's 2e-4). */
        public Builder learningRate(double lr) {
            this.learningRate = lr;
            return this;
        }

        /** Linear learning-rate warm-up over this many steps (default 0; DDPM used 5000). */
        public Builder warmup(int steps) {
            this.warmupSteps = steps;
            return this;
        }

        /**
         * Cosine decay of the learning rate from its full value at step 0 to 0 at step {@code steps} (and 0 after);
         * 0 (the default) keeps it constant, as DDPM trains.
         */
        public Builder cosineDecay(long steps) {
            if (steps < 0) {
                throw new IllegalArgumentException("cosineDecay: steps must be >= 0 but was " + steps);
            }
            this.decaySteps = steps;
            return this;
        }

        /**
         * Draw t by importance (Nichol &amp; Dhariwal 2021, §3.3; {@link LossAwareTimesteps}) instead of uniformly:
         * for objectives whose terms are the bound's ({@link TrainingObjective#supportsImportanceSampling}) only. Off
         * by default.
         */
        public Builder importanceSampledTimesteps(boolean on) {
            this.importanceSampling = on;
            return this;
        }

        /** Global-norm gradient clipping threshold (DDPM: 1.0); 0 turns clipping off. */
        public Builder clipNorm(double norm) {
            this.clipNorm = norm;
            return this;
        }

        /** Decay of the weights' moving average (default DDPM's 0.9999; warmed up as min(decay, (1+n)/(10+n))). */
        public Builder emaDecay(double decay) {
            this.emaDecay = decay;
            return this;
        }

        /** Random horizontal flips of image batches (DDPM's CIFAR-10 training). */
        public Builder flips(boolean on) {
            this.flips = on;
            return this;
        }

        /** Pass the data's class labels to the model (it must have been built with that many classes). */
        public Builder conditional(boolean on) {
            this.conditional = on;
            return this;
        }

        /** p_uncond of classifier-free guidance (Ho &amp; Salimans: 0.1). */
        public Builder labelDropout(double p) {
            this.labelDropout = p;
            return this;
        }

        /** The seed of everything random in training: step k draws from a generator seeded by (seed, k). */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** The model's config, stored in checkpoints and checked when resuming (default: none, stored as {}). */
        public Builder modelConfig(ModelConfig config) {
            this.modelConfig = config;
            return this;
        }

        /** More metadata for the checkpoints, beside the diffusion's own description (which they always carry). */
        public Builder metadata(Map<String, String> extra) {
            this.metadata = extra;
            return this;
        }

        /** Save to {@code file} every {@code every} steps and at the end of each {@link #train} call. */
        public Builder checkpoint(Path file, int every) {
            this.checkpoint = file;
            this.checkpointEvery = every;
            return this;
        }

        /**
         * Skip up to {@code inARow} consecutive steps whose loss or gradient is NaN or infinite (without updating the
         * weights) instead of stopping at the first; 0 (the default) stops at the first.
         */
        public Builder skipNonFiniteSteps(int inARow) {
            if (inARow < 0) {
                throw new IllegalArgumentException("skipNonFiniteSteps: must be >= 0 but was " + inARow);
            }
            this.skipNonFinite = inARow;
            return this;
        }

        /** @throws IllegalArgumentException without data, with a batch size below 1, or conditional without labels */
        public Trainer build() {
            if (data == null || data.size() == 0) {
                throw new IllegalArgumentException("Trainer: no training data");
            }
            if (conditional && data.numClasses() == 0) {
                throw new IllegalArgumentException("Trainer: conditional training needs labelled data");
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("Trainer: batch size must be positive, got " + batchSize);
            }
            return new Trainer(this);
        }
    }
}
