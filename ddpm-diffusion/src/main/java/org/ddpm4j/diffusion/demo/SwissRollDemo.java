package org.ddpm4j.diffusion.demo;

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
     * Held-out points for the bound (and as many samples). Each point's bound is one noise draw per step; the gap
     * per point had a standard deviation of 1.75 bits (demo, seed 0), so 2000 points leave ±0.04 bits of standard
     * error on the gap, 10 000 ±0.017.
     */
    public static final int HELD_OUT_POINTS = 10_000;

    /** What to run: diffusion steps, training steps, batch, network size and the number of networks averaged. */
    public record Settings(int diffusionSteps, int trainSteps, int batchSize, int hidden, int hiddenLayers,
                           int networks, double learningRate, boolean cosineDecay, boolean importanceSampling,
                           LossType loss, int trainPoints, int testPoints, long seed) {
        public Settings {
            if (networks < 1) {
                throw new IllegalArgumentException("swiss-roll demo: networks must be at least 1 but was " + networks);
            }
        }

        /**
         * T = 400; the average of 6 MLPs of 4 hidden layers of 128, each the residual over the Gaussian's exact ε
         * ({@link GaussianResidualDenoiser}), trained independently with Adam from 1e-3 decayed to 0 by a cosine
         * over 40 000 steps and t drawn by importance. Measured against the Bayes-optimal denoiser on the same 1000
         * held-out points and noise (bits, seed 0, one thread per network): six single MLPs of these settings ended
         * 0.08–0.26 above it, so the spread between training runs was most of their error; the average of the
         * first 2 was 0.14 above it, of 4 0.08, of all 6 0.05 (gap to the truth on 10 000 held-out points 0.073 ±
         * 0.020). Before the residual form a single 4 × 128 MLP was 0.11–0.18 above it (other seeds), and wider
         * (3 × 256, 3 × 512), longer (120 000 steps) or larger-batch (1024) training did no better.
         */
        public static Settings defaults() {
            return new Settings(400, 40_000, 256, 128, 4, 6, 1e-3, true, true, LossType.VLB, 100_000,
                    HELD_OUT_POINTS, 0);
        }

        /** These settings with another number of training steps (per network) and seed. */
        public Settings withRun(int steps, long runSeed) {
            return new Settings(diffusionSteps, steps, batchSize, hidden, hiddenLayers, networks, learningRate,
                    cosineDecay, importanceSampling, loss, trainPoints, testPoints, runSeed);
        }

        /** These settings with another peak learning rate, decayed to 0 over the run (cosine) or constant. */
        public Settings withLearningRate(double lr, boolean cosine) {
            return new Settings(diffusionSteps, trainSteps, batchSize, hidden, hiddenLayers, networks, lr, cosine,
                    importanceSampling, loss, trainPoints, testPoints, seed);
        }

        /** These settings with other MLPs (hidden width, number of hidden layers) and another number of them. */
        public Settings withNetwork(int width, int layers, int count) {
            return new Settings(diffusionSteps, trainSteps, batchSize, width, layers, count, learningRate,
                    cosineDecay, importanceSampling, loss, trainPoints, testPoints, seed);
        }

        /** These settings with t drawn by importance ({@link Trainer.Builder#importanceSampledTimesteps}) or uniformly. */
        public Settings withImportanceSampling(boolean on) {
            return new Settings(diffusionSteps, trainSteps, batchSize, hidden, hiddenLayers, networks, learningRate,
                    cosineDecay, on, loss, trainPoints, testPoints, seed);
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
     * own 0.015) to λ = −10, a learned variance, the Gaussian L₀, bits per point. Measured on held-out points after
     * 8000 steps (the per-t breakdown of {@link Bound#terms()}): the linear β schedule (2e-4 → 0.2, fixed β) lost
     * 3.6 bits in its second step alone, where β jumps 10×; a constant step in λ spreads the bound evenly, and the
     * learned variance absorbs the mean's error (K from −3.7 to −1.0). The number of steps is a trade: smaller
     * steps make each Gaussian reverse step more exact, but each step adds the model's error. After 40 000 steps
     * of the demo's training (width 256, seed 0) the gap was 0.64 bits at T = 50, 0.46 at 100, 0.37 at 200, 0.29
     * at 400, 0.45 at 1000 and 0.90 at 4000; after 8000 steps, 100 and 200 steps had been worse than 50. At
     * T = 400 the Bayes-optimal denoiser's bound is at the truth within ±0.1 (ddpm-bench/experiments/swissroll).
     */
    public static GaussianDiffusion diffusion(int steps, LossType loss, Backend be) {
        return GaussianDiffusion.builder().schedule(Schedules.logSnrLinear(steps, 10, -10))
                .varianceType(VarianceType.LEARNED_RANGE).lossType(loss).dataKind(DataKind.CONTINUOUS).backend(be)
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
        GaussianDiffusion diffusion = diffusion(s.diffusionSteps(), s.loss(), be);
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
            GaussianDiffusion diffusion = diffusion(s.diffusionSteps(), s.loss(), own);
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
        GaussianDiffusion diffusion = diffusion(s.diffusionSteps(), s.loss(), be);
        return new TrainedNetworks(members.stream().map(net -> residual(net, diffusion)).toList(),
                Arrays.stream(finalLosses).average().orElseThrow(), seconds);
    }

    /** The data has unit variance per coordinate: the MLP learns the residual over the Gaussian's exact ε. */
    private static Denoiser residual(Denoiser net, GaussianDiffusion diffusion) {
        return new GaussianResidualDenoiser(net, diffusion, 1.0);
    }
}
