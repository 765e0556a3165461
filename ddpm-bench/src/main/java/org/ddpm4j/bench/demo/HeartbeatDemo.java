package org.ddpm4j.bench.demo;

import java.util.SplittableRandom;
import org.ddpm4j.diffusion.BinomialDiffusion;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.data.Heartbeat;
import org.ddpm4j.diffusion.train.Trainer;
import org.ddpm4j.diffusion.train.TrainingListener;
import org.ddpm4j.nn.MlpDenoiser;
import org.ddpm4j.tensor.Backend;

/**
 * Binomial diffusion of the heartbeat data (Sohl-Dickstein et al. Appendix D.1.2): T = 2000 steps of their
 * β_t = 1/(T − t + 1), an MLP reverse process that outputs one Bernoulli logit per bit, trained on the bound;
 * then the held-out bound K in bits per sequence beside the truth (−2.322) and their K (−2.414).
 */
public final class HeartbeatDemo {

    /**
     * What to run: diffusion steps T, training steps, batch, MLP size, held-out sequences. Start from
     * {@link #defaults()} and change settings by name ({@code defaults().withTrainSteps(2000).withSeed(1)}).
     */
    public record Settings(int diffusionSteps, int trainSteps, int batchSize, int hidden, int hiddenLayers,
                           double learningRate, int testSequences, long seed) {
        /** T = 2000 as Sohl-Dickstein et al.; a few minutes on 2 cores. */
        public static Settings defaults() {
            return new Settings(2000, 10_000, 256, 128, 2, 3e-4, 1000, 0);
        }

        /** These settings with T = {@code t}. */
        public Settings withDiffusionSteps(int t) {
            return new Settings(t, trainSteps, batchSize, hidden, hiddenLayers, learningRate, testSequences, seed);
        }

        /** These settings with {@code steps} training steps. */
        public Settings withTrainSteps(int steps) {
            return new Settings(diffusionSteps, steps, batchSize, hidden, hiddenLayers, learningRate, testSequences,
                    seed);
        }

        /** These settings with batches of {@code batch} sequences. */
        public Settings withBatchSize(int batch) {
            return new Settings(diffusionSteps, trainSteps, batch, hidden, hiddenLayers, learningRate, testSequences,
                    seed);
        }

        /** These settings with an MLP of {@code layers} hidden layers of {@code width}. */
        public Settings withNetwork(int width, int layers) {
            return new Settings(diffusionSteps, trainSteps, batchSize, width, layers, learningRate, testSequences, seed);
        }

        /** These settings with Adam's learning rate {@code lr}. */
        public Settings withLearningRate(double lr) {
            return new Settings(diffusionSteps, trainSteps, batchSize, hidden, hiddenLayers, lr, testSequences, seed);
        }

        /** These settings with {@code n} held-out sequences for the bound. */
        public Settings withTestSequences(int n) {
            return new Settings(diffusionSteps, trainSteps, batchSize, hidden, hiddenLayers, learningRate, n, seed);
        }

        /** These settings with random seed {@code s}. */
        public Settings withSeed(long s) {
            return new Settings(diffusionSteps, trainSteps, batchSize, hidden, hiddenLayers, learningRate,
                    testSequences, s);
        }
    }

    /** The measured outcome; bits per sequence, higher is better. */
    public record Result(double loglikBoundBits, double trainSeconds, double finalLoss) {
        /** The truth minus the bound. */
        public double gapBits() {
            return Heartbeat.TRUE_LOGLIK_BITS - loglikBoundBits;
        }
    }

    private HeartbeatDemo() {
    }

    /** Trains on fresh heartbeat sequences, then measures the bound on held-out ones. */
    public static Result run(Settings s, Backend be, TrainingListener listener) {
        SplittableRandom rng = new SplittableRandom(s.seed());
        Dataset train = Heartbeat.sample(50_000, rng);
        Dataset test = Heartbeat.sample(s.testSequences(), rng);
        BinomialDiffusion diffusion = new BinomialDiffusion(s.diffusionSteps());
        MlpDenoiser.Config config = new MlpDenoiser.Config(Heartbeat.LENGTH, s.hidden(), s.hiddenLayers(), 32, 0);
        MlpDenoiser model = new MlpDenoiser(config, be, rng.split());
        Trainer trainer = Trainer.builder(model, diffusion).data(train).batchSize(s.batchSize())
                .learningRate(s.learningRate()).warmup(100).emaDecay(0.999).seed(s.seed()).modelConfig(config).build();
        long start = System.nanoTime();
        double finalLoss = trainer.train(s.trainSteps(), listener);
        double seconds = (System.nanoTime() - start) / 1e9;
        trainer.ema().swap();
        double k = -diffusion.bound(model, test.all(), null, rng.split()).total();
        return new Result(k, seconds, finalLoss);
    }
}
