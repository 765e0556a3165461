package org.ddpm4j.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.data.InMemoryDataset;
import org.ddpm4j.diffusion.data.SwissRoll;
import org.ddpm4j.diffusion.train.Trainer;
import org.ddpm4j.diffusion.train.TrainingListener;
import org.ddpm4j.nn.MlpDenoiser;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Backends;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    /** The trained bound must beat the unit-Gaussian baseline by at least this many bits per point. */
    private static final double MIN_BITS_OVER_L_NULL = 0.3;

    @TempDir
    Path dir;

    @Test
    void aResumedRunGivesTheSameLossesAsAnUninterruptedOne() throws Exception {
        Dataset data = SwissRoll.sample(500, new SplittableRandom(1));
        MlpDenoiser.Config cfg = new MlpDenoiser.Config(2, 16, 2, 8, 0);
        GaussianDiffusion d = GaussianDiffusion.builder().schedule(Schedules.linear(50, 1e-3, 0.2))
                .build();
        List<Double> straight = losses(newTrainer(cfg, d, data, 7), 6);

        Trainer first = newTrainer(cfg, d, data, 7);
        List<Double> resumed = new ArrayList<>(losses(first, 3));
        Path ckpt = dir.resolve("run.safetensors");
        first.save(ckpt);
        Trainer second = newTrainer(cfg, d, data, 99); // another initialisation, overwritten by the checkpoint
        second.resume(ckpt);
        resumed.addAll(losses(second, 3));
        assertArrayEquals(straight.stream().mapToDouble(Double::doubleValue).toArray(),
                resumed.stream().mapToDouble(Double::doubleValue).toArray(), 0.0);
    }

    @Test
    void listenerSeesEveryStepWithTheRunsEndAndAnEta() {
        Dataset data = SwissRoll.sample(100, new SplittableRandom(1));
        MlpDenoiser.Config cfg = new MlpDenoiser.Config(2, 8, 1, 8, 0);
        GaussianDiffusion d = GaussianDiffusion.builder().schedule(Schedules.linear(10, 1e-3, 0.2))
                .build();
        Trainer trainer = newTrainer(cfg, d, data, 7);
        trainer.train(2, TrainingListener.NONE);
        List<TrainingListener.Progress> seen = new ArrayList<>();
        trainer.train(3, seen::add);
        assertEquals(List.of(3L, 4L, 5L), seen.stream().map(TrainingListener.Progress::step).toList());
        assertTrue(seen.stream().allMatch(p -> p.lastStep() == 5 && p.stepsPerSecond() > 0), seen.toString());
        assertTrue(seen.get(0).etaSeconds() > 0, "two steps left after the first");
        assertEquals(0.0, seen.get(2).etaSeconds(), "none left after the last");
    }

    @Test
    void labelsAreDroppedAtTheConfiguredRate() {
        int classes = 4, steps = 200, batch = 64;
        float[] pts = new float[2 * 1000];
        int[] labels = new int[1000];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % classes;
        }
        Dataset data = new InMemoryDataset(pts, new int[] {2}, labels, classes);
        MlpDenoiser inner = new MlpDenoiser(new MlpDenoiser.Config(2, 8, 1, 8, classes), new ScalarBackend(),
                new SplittableRandom(1));
        int[] seen = new int[2]; // [dropped, kept]
        org.ddpm4j.nn.Denoiser spy = new org.ddpm4j.nn.Denoiser() {
            @Override
            public Tensor forward(Tensor x, int[] t, int[] l, org.ddpm4j.nn.ForwardContext ctx) {
                for (int label : l) {
                    seen[label == classes ? 0 : 1]++;
                }
                return inner.forward(x, t, l, ctx);
            }

            @Override
            public org.ddpm4j.tensor.Backend backend() {
                return inner.backend();
            }

            @Override
            public void backward(Tensor g) {
                inner.backward(g);
            }

            @Override
            public List<org.ddpm4j.nn.Parameter> parameters() {
                return inner.parameters();
            }
        };
        GaussianDiffusion d = GaussianDiffusion.builder().schedule(Schedules.linear(10, 1e-3, 0.2))
                .dataKind(DataKind.CONTINUOUS).build();
        Trainer.builder(spy, d).data(data).batchSize(batch).conditional(true).labelDropout(0.25).seed(2).build()
                .train(steps, TrainingListener.NONE);
        int n = steps * batch;
        assertEquals(n, seen[0] + seen[1]);
        assertEquals(0.25, seen[0] / (double) n, 5 * Math.sqrt(0.25 * 0.75 / n), "p_uncond");
    }

    @Test
    void briefTrainingOnCorrelatedGaussianDataBeatsLNull() {
        // x = (u, 0.9u + √0.19·v): unit variance per coordinate, true log-likelihood L_null + ½·log₂(1/0.19) bits.
        SplittableRandom rng = new SplittableRandom(5);
        int n = 20_000;
        float[] pts = new float[2 * n];
        for (int i = 0; i < n; i++) {
            double u = rng.nextGaussian(), v = rng.nextGaussian();
            pts[2 * i] = (float) u;
            pts[2 * i + 1] = (float) (0.9 * u + Math.sqrt(0.19) * v);
        }
        Dataset train = new InMemoryDataset(pts, new int[] {2}, null, 0);
        Backend be = Backends.create("simd", 2);
        GaussianDiffusion d = GaussianDiffusion.builder().schedule(Schedules.linear(50, 1e-3, 0.3))
                .varianceType(VarianceType.FIXED_LARGE).lossType(LossType.VLB).dataKind(DataKind.CONTINUOUS)
                .build();
        MlpDenoiser model = new MlpDenoiser(new MlpDenoiser.Config(2, 64, 2, 16, 0), be, new SplittableRandom(2));
        Trainer trainer = Trainer.builder(model, d).data(train).batchSize(256).learningRate(2e-3).emaDecay(0.99)
                .seed(3).build();
        trainer.train(1500, TrainingListener.NONE);
        trainer.ema().swap();
        Tensor test = train.batch(java.util.stream.IntStream.range(0, 2000).toArray());
        double k = -d.bound(model, test, null, new SplittableRandom(4)).total();
        double lNull = SwissRoll.nullLogLikelihoodBits(new InMemoryDataset(test.toArray(), new int[] {2}, null, 0));
        assertTrue(k > lNull + MIN_BITS_OVER_L_NULL, "bound " + k + " bits vs L_null " + lNull);
        be.shutdown();
    }

    @Test
    void cosineDecayMovesTheWeightsUntilItsLastStepAndThenStops() {
        Dataset data = SwissRoll.sample(100, new SplittableRandom(1));
        MlpDenoiser.Config cfg = new MlpDenoiser.Config(2, 8, 1, 8, 0);
        GaussianDiffusion d = GaussianDiffusion.builder().schedule(Schedules.linear(10, 1e-3, 0.2))
                .build();
        MlpDenoiser model = new MlpDenoiser(cfg, new ScalarBackend(), new SplittableRandom(3));
        Trainer trainer = Trainer.builder(model, d).data(data).batchSize(16).learningRate(1e-2).cosineDecay(4)
                .seed(5).build();
        Tensor w = model.parameters().get(0).value();
        for (int step = 0; step < 6; step++) {
            float[] before = w.toArray();
            trainer.trainStep();
            boolean moved = !java.util.Arrays.equals(before, w.toArray());
            assertEquals(step < 4, moved, "step " + step + (moved ? " moved" : " left") + " the weights");
        }
    }

    private static Trainer newTrainer(MlpDenoiser.Config cfg, GaussianDiffusion d, Dataset data, long initSeed) {
        MlpDenoiser model = new MlpDenoiser(cfg, new ScalarBackend(), new SplittableRandom(initSeed));
        return Trainer.builder(model, d).data(data).batchSize(32).learningRate(1e-3).seed(11).modelConfig(cfg).build();
    }

    private static List<Double> losses(Trainer t, int steps) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            out.add(t.trainStep());
        }
        return out;
    }
}
