package org.ddpm4j.bench.experiments;

import java.util.List;
import java.util.SplittableRandom;
import org.ddpm4j.diffusion.Bound;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.LossType;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.data.SwissRoll;
import org.ddpm4j.bench.demo.SwissRollDemo;
import org.ddpm4j.diffusion.train.TrainingListener;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.nn.DenoiserEnsemble;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Backends;
import org.ddpm4j.tensor.Tensor;

/**
 * Trains the demo's networks ({@link SwissRollDemo#train}, two at a time on one thread each) with the given settings,
 * then prints for every network and for the average of the first 2, 4, ... its excess over
 * {@link BayesOptimalDenoiser} on 1000 held-out points with the same noise draws (paired, so the noise of the bound's
 * estimate mostly cancels), in total and per eighth of the steps (low noise first), and the average's gap on 20 000
 * held-out points with its standard error.
 *
 * <p>Arguments: T seed trainSteps hidden layers learningRate batch trainPoints importance(0/1) loss(SIMPLE|VLB|HYBRID)
 * networks. Example (the demo's settings): {@code 400 0 40000 128 4 1e-3 256 100000 1 VLB 6}.
 */
public final class ExcessOverOptimal {
    public static void main(String[] a) {
        int steps = Integer.parseInt(a[0]), trainSteps = Integer.parseInt(a[2]);
        long seed = Long.parseLong(a[1]);
        int hidden = Integer.parseInt(a[3]), layers = Integer.parseInt(a[4]), batch = Integer.parseInt(a[6]);
        int trainPoints = Integer.parseInt(a[7]), networks = Integer.parseInt(a[10]);
        SwissRollDemo.Settings s = SwissRollDemo.Settings.builder().diffusionSteps(steps).trainSteps(trainSteps)
                .batchSize(batch).network(hidden, layers).networks(networks)
                .learningRate(Double.parseDouble(a[5]), true).importanceSampling(a[8].equals("1"))
                .loss(LossType.valueOf(a[9])).points(trainPoints, 20_000).seed(seed).build();
        SplittableRandom rng = new SplittableRandom(seed);
        Dataset train = SwissRoll.sample(trainPoints, rng);
        Dataset test = SwissRoll.sample(s.testPoints(), rng);
        Backend be = Backends.create("simd", 2);
        SwissRollDemo.TrainedNetworks trained = SwissRollDemo.train(s, train, rng, be, TrainingListener.NONE);
        List<Denoiser> members = trained.networks();
        GaussianDiffusion diffusion = SwissRollDemo.diffusion(steps, s.loss());
        float[] first = new float[2000];
        System.arraycopy(test.all().toArray(), 0, first, 0, first.length);
        Tensor paired = Tensor.of(first, 1000, 2);
        double[] optimal = diffusion.bound(new BayesOptimalDenoiser(diffusion.schedule()), paired, null,
                new SplittableRandom(77)).terms();
        System.out.printf("%s: %d networks trained in %.0f s%n", String.join(" ", a), networks, trained.trainSeconds());
        for (int m = 0; m < networks; m++) {
            report("network " + m, diffusion.bound(members.get(m), paired, null, new SplittableRandom(77)), optimal);
        }
        for (int k = 2; k <= networks; k += 2) {
            report("average of " + k, diffusion.bound(new DenoiserEnsemble(members.subList(0, k)), paired, null,
                    new SplittableRandom(77)), optimal);
        }
        Bound bound = diffusion.bound(trained.average(), test.all(), null, rng.split());
        double truth = SwissRoll.trueLogLikelihoodBits(test);
        System.out.printf("average of all %d: gap on 20k held-out points %.4f ± %.4f bits (K %.4f, true %.4f)%n",
                networks, truth + bound.total(), bound.standardError(), -bound.total(), truth);
        be.shutdown();
    }

    private static void report(String what, Bound trained, double[] optimal) {
        double[] terms = trained.terms();
        double total = 0;
        StringBuilder eighths = new StringBuilder();
        for (int e = 0; e < 8; e++) {
            double sum = 0;
            for (int t = e * terms.length / 8; t < (e + 1) * terms.length / 8; t++) {
                sum += terms[t] - optimal[t];
            }
            total += sum;
            eighths.append(String.format(" %.3f", sum));
        }
        System.out.printf("%s: excess over the Bayes-optimal denoiser on 1000 paired points %.4f, per eighth of t:%s%n",
                what, total, eighths);
    }
}
