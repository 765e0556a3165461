import java.util.SplittableRandom;
import org.ddpm4j.diffusion.Bound;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.LossType;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.data.SwissRoll;
import org.ddpm4j.diffusion.demo.SwissRollDemo;
import org.ddpm4j.diffusion.train.Trainer;
import org.ddpm4j.diffusion.train.TrainingListener;
import org.ddpm4j.nn.MlpDenoiser;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Backends;
import org.ddpm4j.tensor.Tensor;

/**
 * Trains the demo's model with the given settings, then prints its held-out gap on 20 000 points and its excess over
 * {@link BayesOptimalDenoiser} on the first 1000 of them with the same noise draws (paired, so the noise of the
 * bound's estimate mostly cancels), in total and per eighth of the steps (low noise first).
 *
 * <p>Arguments: T seed trainSteps hidden layers learningRate batch trainPoints emaDecay clipNorm importance(0/1)
 * loss(SIMPLE|VLB|HYBRID). Example: {@code 400 0 40000 128 3 1e-3 256 10000000 0.999 1 1 VLB}.
 */
public final class ExcessOverOptimal {
    public static void main(String[] a) {
        int steps = Integer.parseInt(a[0]), trainSteps = Integer.parseInt(a[2]);
        long seed = Long.parseLong(a[1]);
        int hidden = Integer.parseInt(a[3]), layers = Integer.parseInt(a[4]), batch = Integer.parseInt(a[6]);
        double lr = Double.parseDouble(a[5]), ema = Double.parseDouble(a[8]), clip = Double.parseDouble(a[9]);
        int trainPoints = Integer.parseInt(a[7]);
        boolean importance = a[10].equals("1");
        LossType loss = LossType.valueOf(a[11]);
        Backend be = Backends.create("simd", 1);
        SplittableRandom rng = new SplittableRandom(seed);
        Dataset train = SwissRoll.sample(trainPoints, rng);
        Dataset test = SwissRoll.sample(20_000, rng);
        GaussianDiffusion diffusion = SwissRollDemo.diffusion(steps, loss, be);
        MlpDenoiser.Config config = new MlpDenoiser.Config(2, hidden, layers, 32, 0, true);
        MlpDenoiser model = new MlpDenoiser(config, be, rng.split());
        Trainer trainer = Trainer.builder(model, diffusion).data(train).batchSize(batch).learningRate(lr)
                .cosineDecay(trainSteps).warmup(100).importanceSampledTimesteps(importance).clipNorm(clip)
                .emaDecay(ema).seed(seed).modelConfig(config).build();
        long start = System.nanoTime();
        trainer.train(trainSteps, TrainingListener.NONE);
        double seconds = (System.nanoTime() - start) / 1e9;
        trainer.ema().swap();
        Bound bound = diffusion.bound(model, test.all(), null, rng.split());
        double truth = SwissRoll.trueLogLikelihoodBits(test);
        float[] first = new float[2000];
        System.arraycopy(test.all().data(), 0, first, 0, first.length);
        Tensor paired = Tensor.of(first, 1000, 2);
        Bound trained = diffusion.bound(model, paired, null, new SplittableRandom(77));
        Bound optimal = diffusion.bound(new BayesOptimalDenoiser(diffusion.schedule()), paired, null,
                new SplittableRandom(77));
        StringBuilder eighths = new StringBuilder();
        double[] tt = trained.terms(), to = optimal.terms();
        for (int e = 0; e < 8; e++) {
            double sum = 0;
            for (int t = e * tt.length / 8; t < (e + 1) * tt.length / 8; t++) {
                sum += tt[t] - to[t];
            }
            eighths.append(String.format(" %.3f", sum));
        }
        System.out.printf("%s: gap on 20k held-out points %.4f ± %.4f bits (K %.4f, true %.4f), %.0f s training;"
                        + " excess over the Bayes-optimal denoiser on 1000 paired points %.4f, per eighth of t:%s%n",
                String.join(" ", a), truth + bound.total(), bound.standardError(), -bound.total(), truth, seconds,
                trained.total() - optimal.total(), eighths);
    }
}
