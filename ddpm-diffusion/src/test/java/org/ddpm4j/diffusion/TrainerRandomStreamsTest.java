package org.ddpm4j.diffusion;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.train.Trainer;
import org.ddpm4j.diffusion.train.TrainingListener;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.nn.ForwardContext;
import org.ddpm4j.nn.MlpDenoiser;
import org.ddpm4j.nn.Parameter;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The trainer's steps draw independent batches, timesteps and noise: counted over many steps, what batches a few
 * steps apart share is what independent draws share. Each count is a sum of pairwise-independent indicators, so
 * its variance is at most its mean; the bounds are that mean ± {@link #SIGMAS} standard deviations.
 */
class TrainerRandomStreamsTest {
    private static final int STEPS = 1000, BATCH = 32, DATA = 1000, T = 100, PIXELS = 16, MAX_LAG = 4;
    /** Width of the acceptance band in standard deviations of an independent count (false alarm below 1e-8). */
    private static final double SIGMAS = 6;
    /** Two noise values "coincide" when they differ by less than this (the reconstruction error is below 1e-6). */
    private static final double NOISE_MATCH = 1e-5;

    @Test
    void batchesTimestepsAndNoiseOfNearbyStepsAreIndependentForSmallAndRandomSeeds() {
        long randomSeed = new SplittableRandom().nextLong();
        for (long seed : new long[] {0, 1, 2, randomSeed}) {
            Recorded r = train(seed);
            String where = "seed " + seed + ", ";
            for (int lag = 1; lag <= MAX_LAG; lag++) {
                // Equal pairs of uniform draws over n values: probability 1/n per pair.
                assertIndependent(where + "data indices, lag " + lag, sharedPairs(r.indices, lag, 0),
                        (double) (STEPS - lag) * BATCH * BATCH / DATA);
                assertIndependent(where + "timesteps, lag " + lag, sharedPairs(r.timesteps, lag, 0),
                        (double) (STEPS - lag) * BATCH * BATCH / T);
                // |X − Y| < δ for independent standard normals: 2Φ(δ/√2) − 1 ≈ δ/√π.
                double pairs = (double) (STEPS - lag) * BATCH * PIXELS * BATCH * PIXELS;
                assertIndependent(where + "noise, lag " + lag, sharedPairs(r.noise, lag, NOISE_MATCH),
                        pairs * NOISE_MATCH / Math.sqrt(Math.PI));
            }
        }
    }

    private static void assertIndependent(String what, long count, double expected) {
        double band = SIGMAS * Math.sqrt(expected);
        assertTrue(Math.abs(count - expected) <= band, what + ": " + count + " shared pairs, independent draws give "
                + String.format("%.1f ± %.1f", expected, band));
    }

    /** Pairs (a from step k, b from step k − lag) with |a − b| ≤ tolerance, summed over k. */
    private static long sharedPairs(List<double[]> perStep, int lag, double tolerance) {
        long count = 0;
        for (int k = lag; k < perStep.size(); k++) {
            count += closePairs(perStep.get(k), perStep.get(k - lag), tolerance);
        }
        return count;
    }

    private static long closePairs(double[] a, double[] b, double tolerance) {
        double[] sa = a.clone(), sb = b.clone();
        Arrays.sort(sa);
        Arrays.sort(sb);
        long count = 0;
        int lo = 0, hi = 0;
        for (double v : sa) {
            while (lo < sb.length && sb[lo] < v - tolerance) {
                lo++;
            }
            hi = Math.max(hi, lo);
            while (hi < sb.length && sb[hi] <= v + tolerance) {
                hi++;
            }
            count += hi - lo;
        }
        return count;
    }

    private record Recorded(List<double[]> indices, List<double[]> timesteps, List<double[]> noise) {
    }

    /** Trains on all-zero data, so x_t = √(1 − ᾱ_t)·ε and the model sees the noise itself. */
    private static Recorded train(long seed) {
        Recorded r = new Recorded(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        Dataset zeros = new Dataset() {
            @Override
            public int size() {
                return DATA;
            }

            @Override
            public int[] sampleShape() {
                return new int[] {PIXELS};
            }

            @Override
            public void copySample(int index, float[] dst, int offset) {
                r.indices.add(new double[] {index});
            }
        };
        GaussianDiffusion d = GaussianDiffusion.builder().schedule(Schedules.linear(T, 1e-3, 0.2))
                .dataKind(DataKind.CONTINUOUS).build();
        MlpDenoiser net = new MlpDenoiser(new MlpDenoiser.Config(PIXELS, 8, 1, 8, 0), new ScalarBackend(),
                new SplittableRandom(1));
        Denoiser recorder = new Denoiser() {
            @Override
            public Tensor forward(Tensor x, int[] t, int[] labels, ForwardContext ctx) {
                double[] ts = new double[t.length], eps = new double[x.size()];
                float[] xd = x.toArray();
                for (int i = 0; i < t.length; i++) {
                    ts[i] = t[i];
                    double scale = d.schedule().sqrtOneMinusAlphaBar(t[i]);
                    for (int j = 0; j < PIXELS; j++) {
                        eps[i * PIXELS + j] = xd[i * PIXELS + j] / scale;
                    }
                }
                r.timesteps.add(ts);
                r.noise.add(eps);
                return net.forward(x, t, labels, ctx);
            }

            @Override
            public org.ddpm4j.tensor.Backend backend() {
                return net.backend();
            }

            @Override
            public void backward(Tensor gradOutput) {
                net.backward(gradOutput);
            }

            @Override
            public List<Parameter> parameters() {
                return net.parameters();
            }
        };
        Trainer.builder(recorder, d).data(zeros).batchSize(BATCH).flips(false).seed(seed).build()
                .train(STEPS, TrainingListener.NONE);
        // The data set saw one call per sample; regroup them by step.
        List<double[]> flat = new ArrayList<>(r.indices);
        r.indices.clear();
        for (int k = 0; k < STEPS; k++) {
            double[] batch = new double[BATCH];
            for (int i = 0; i < BATCH; i++) {
                batch[i] = flat.get(k * BATCH + i)[0];
            }
            r.indices.add(batch);
        }
        return r;
    }
}
