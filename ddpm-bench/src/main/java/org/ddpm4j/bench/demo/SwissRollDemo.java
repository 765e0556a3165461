package org.ddpm4j.bench.demo;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.ddpm4j.diffusion.Bound;
import org.ddpm4j.diffusion.DataKind;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.GaussianResidualDenoiser;
import org.ddpm4j.diffusion.LossType;
import org.ddpm4j.diffusion.Schedules;
import org.ddpm4j.diffusion.VarianceType;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.data.SwissRoll;
import org.ddpm4j.diffusion.sample.Sampler;
import org.ddpm4j.diffusion.train.Trainer;
import org.ddpm4j.diffusion.train.TrainingListener;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.nn.DenoiserEnsemble;
import org.ddpm4j.nn.MlpDenoiser;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/**
 * The built-in main job: a diffusion model of the 2-D swiss roll (an MLP denoiser, ε-prediction, trained on the true
 * bound as Sohl-Dickstein et al. train theirs), then measured the way Sohl-Dickstein et al. measure theirs: the log-likelihood lower bound K on held-out
 * points in bits per point, beside the generator's true log-likelihood (which we can compute: the generator is
 * ours) and L_null, the bound of a unit-variance isotropic Gaussian.
 */
public final class SwissRollDemo {

    /**
     * Held-out points for the bound (and as many samples). Each point's bound is one noise draw per step, so the
     * standard error of the reported gap falls as one over the square root of this count.
     */
    public static final int HELD_OUT_POINTS = 10_000;

    /**
     * What to run: diffusion steps, training steps, batch, network size, the number of networks averaged, the
     * optimiser, the loss and the data. Built by name ({@link #builder()}, {@link #toBuilder()}); the defaults are
     * the demo's (docs/experiments/swissroll.md says how they were chosen).
     */
    public record Settings(int diffusionSteps, int trainSteps, int batchSize, int hidden, int hiddenLayers,
                           int networks, double learningRate, boolean cosineDecay, boolean importanceSampling,
                           LossType loss, int trainPoints, int testPoints, long seed) {
        public Settings {
            requirePositive("diffusion steps", diffusionSteps);
            requirePositive("training steps", trainSteps);
            requirePositive("batch size", batchSize);
            requirePositive("hidden width", hidden);
            requirePositive("hidden layers", hiddenLayers);
            requirePositive("networks", networks);
            requirePositive("training points", trainPoints);
            requirePositive("test points", testPoints);
            if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
                throw new IllegalArgumentException("swiss-roll demo: learning rate must be positive and finite, was "
                        + learningRate);
            }
        }

        private static void requirePositive(String what, int value) {
            if (value < 1) {
                throw new IllegalArgumentException("swiss-roll demo: " + what + " must be at least 1 but was " + value);
            }
        }

        /**
         * T = 400; the average of 6 MLPs of 4 hidden layers of 128, each the residual over the Gaussian's exact ε
         * ({@link GaussianResidualDenoiser}), trained independently on the bound with Adam from 1e-3 decayed to 0 by
         * a cosine over 40 000 steps, batch 256, t drawn by importance, on 100 000 fresh points; seed 0.
         */
        public static Settings defaults() {
            return builder().build();
        }

        /** A builder holding {@link #defaults()}. */
        public static Builder builder() {
            return new Builder();
        }

        /** A builder holding these settings. */
        public Builder toBuilder() {
            Builder b = new Builder();
            b.diffusionSteps = diffusionSteps;
            b.trainSteps = trainSteps;
            b.batchSize = batchSize;
            b.hidden = hidden;
            b.hiddenLayers = hiddenLayers;
            b.networks = networks;
            b.learningRate = learningRate;
            b.cosineDecay = cosineDecay;
            b.importanceSampling = importanceSampling;
            b.loss = loss;
            b.trainPoints = trainPoints;
            b.testPoints = testPoints;
            b.seed = seed;
            return b;
        }

        /** Named settings; {@link #build} checks them. */
        public static final class Builder {
            private int diffusionSteps = 400;
            private int trainSteps = 40_000;
            private int batchSize = 256;
            private int hidden = 128;
            private int hiddenLayers = 4;
            private int networks = 6;
            private double learningRate = 1e-3;
            private boolean cosineDecay = true;
            private boolean importanceSampling = true;
            private LossType loss = LossType.VLB;
            private int trainPoints = 100_000;
            private int testPoints = HELD_OUT_POINTS;
            private long seed;

            private Builder() {
            }

            /** T of the diffusion. */
            public Builder diffusionSteps(int t) {
                this.diffusionSteps = t;
                return this;
            }

            /** Training steps per network. */
            public Builder trainSteps(int steps) {
                this.trainSteps = steps;
                return this;
            }

            /** Samples per training step. */
            public Builder batchSize(int batch) {
                this.batchSize = batch;
                return this;
            }

            /** Each MLP's hidden width and number of hidden layers. */
            public Builder network(int width, int layers) {
                this.hidden = width;
                this.hiddenLayers = layers;
                return this;
            }

            /** How many independently trained networks are averaged ({@link DenoiserEnsemble}). */
            public Builder networks(int count) {
                this.networks = count;
                return this;
            }

            /** Adam's peak learning rate, decayed to 0 over the run by a cosine or held constant. */
            public Builder learningRate(double lr, boolean cosine) {
                this.learningRate = lr;
                this.cosineDecay = cosine;
                return this;
            }

            /** t drawn by importance ({@link Trainer.Builder#importanceSampledTimesteps}) or uniformly. */
            public Builder importanceSampling(boolean on) {
                this.importanceSampling = on;
                return this;
            }

            /** The training loss. */
            public Builder loss(LossType l) {
                this.loss = l;
                return this;
            }

            /** Fresh training points and held-out test points drawn from the roll. */
            public Builder points(int train, int test) {
                this.trainPoints = train;
                this.testPoints = test;
                return this;
            }

            /** The seed of the data, the networks' initialisation and their training. */
            public Builder seed(long s) {
                this.seed = s;
                return this;
            }

            /** @throws IllegalArgumentException naming a count below 1 or a learning rate that is not positive */
            public Settings build() {
                return new Settings(diffusionSteps, trainSteps, batchSize, hidden, hiddenLayers, networks,
                        learningRate, cosineDecay, importanceSampling, loss, trainPoints, testPoints, seed);
            }
        }
    }

    /**
     * The measured outcome; bits per point, higher is better. {@code gapStandardErrorBits} is the standard error of
     * the gap over the held-out points: each point's bound is one noise draw per step, and the true log-likelihood is
     * exact, so it measures how far the reported gap may be from the model's expected gap.
     */
    public record Result(double loglikBoundBits, double trueLoglikBits, double nullLoglikBits,
                         double gapStandardErrorBits, double trainSeconds, double finalLoss, Tensor samples,
                         Dataset testPoints) {
        /** True log-likelihood minus the bound, bits per point: what the model leaves on the table. */
        public double gapBits() {
            return trueLoglikBits - loglikBoundBits;
        }
    }

    private SwissRollDemo() {
    }

    /**
     * The diffusion used for the swiss roll: log-SNR-linear schedule from λ = 10 (noise σ ≈ 0.007, below the data's
     * own 0.015) to λ = −10, so that every step removes the same fraction of the SNR and no term of the bound is much
     * coarser than another; a learned variance, the Gaussian L₀, bits per point.
     */
    public static GaussianDiffusion diffusion(int steps, LossType loss) {
        return GaussianDiffusion.builder().schedule(Schedules.logSnrLinear(steps, 10, -10))
                .varianceType(VarianceType.LEARNED_RANGE).lossType(loss).dataKind(DataKind.CONTINUOUS)
                .build();
    }

    /**
     * Trains {@link Settings#networks()} networks independently on the same fresh swiss-roll points (side by side on a
     * SIMD backend's threads), then measures the bound of their average on held-out points and draws as many samples.
     */
    public static Result run(Settings s, Backend be, TrainingListener listener) {
        SplittableRandom rng = new SplittableRandom(s.seed());
        Dataset train = SwissRoll.sample(s.trainPoints(), rng);
        Dataset test = SwissRoll.sample(s.testPoints(), rng);
        TrainedNetworks trained = train(s, train, rng, be, listener);
        GaussianDiffusion diffusion = diffusion(s.diffusionSteps(), s.loss());
        Denoiser model = trained.average();
        Bound bound = diffusion.bound(model, test.all(), null, rng.split());
        Tensor samples = new Sampler(diffusion).clipDenoised(false).sample(model, new int[] {s.testPoints(), 2}, rng.split());
        double[] truth = SwissRoll.logDensityBits(test), gaps = new double[truth.length];
        for (int i = 0; i < truth.length; i++) {
            gaps[i] = truth[i] + bound.perExample()[i];
        }
        return new Result(-bound.total(), Arrays.stream(truth).average().orElseThrow(),
                SwissRoll.nullLogLikelihoodBits(test), Bound.standardErrorOfMean(gaps), trained.trainSeconds(),
                trained.finalLoss(), samples, test);
    }

    /**
     * The demo's networks, trained: each in the residual form, on {@code be}.
     *
     * @param finalLoss mean over the networks of each one's final training loss
     */
    public record TrainedNetworks(List<Denoiser> networks, double finalLoss, double trainSeconds) {
        /** The model: their average, or the one network. */
        public Denoiser average() {
            return networks.size() == 1 ? networks.get(0) : new DenoiserEnsemble(networks);
        }
    }

    /**
     * Trains the demo's networks on {@code train}, each from a seed drawn from {@code rng}, with the EMA weights
     * swapped in at the end.
     */
    public static TrainedNetworks train(Settings s, Dataset train, SplittableRandom rng, Backend be,
                                        TrainingListener listener) {
        MlpDenoiser.Config config = new MlpDenoiser.Config(2, s.hidden(), s.hiddenLayers(), 32, 0, true);
        long[] memberSeeds = rng.longs(s.networks()).toArray();
        double[] finalLosses = new double[s.networks()];
        long start = System.nanoTime();
        List<Denoiser> members = ConcurrentMembers.train(s.networks(), s.trainSteps(), be, (m, own, progress) -> {
            SplittableRandom memberRng = new SplittableRandom(memberSeeds[m]);
            GaussianDiffusion diffusion = diffusion(s.diffusionSteps(), s.loss());
            MlpDenoiser net = new MlpDenoiser(config, own, memberRng.split());
            Trainer trainer = Trainer.builder(residual(net, diffusion), diffusion).data(train)
                    .batchSize(s.batchSize()).learningRate(s.learningRate())
                    .cosineDecay(s.cosineDecay() ? s.trainSteps() : 0).warmup(100)
                    .importanceSampledTimesteps(s.importanceSampling()).emaDecay(0.999).seed(memberRng.nextLong())
                    .modelConfig(config).build();
            finalLosses[m] = trainer.train(s.trainSteps(), progress);
            trainer.ema().swap();
            return own == be ? net : net.copyTo(be);
        }, listener);
        double seconds = (System.nanoTime() - start) / 1e9;
        GaussianDiffusion diffusion = diffusion(s.diffusionSteps(), s.loss());
        return new TrainedNetworks(members.stream().map(net -> residual(net, diffusion)).toList(),
                Arrays.stream(finalLosses).average().orElseThrow(), seconds);
    }

    /** The data has unit variance per coordinate: the MLP learns the residual over the Gaussian's exact ε. */
    private static Denoiser residual(Denoiser net, GaussianDiffusion diffusion) {
        return new GaussianResidualDenoiser(net, diffusion, 1.0);
    }
}
