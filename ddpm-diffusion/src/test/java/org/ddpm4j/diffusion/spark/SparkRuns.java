package org.ddpm4j.diffusion.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.Schedules;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.train.GradientReduction;
import org.ddpm4j.diffusion.train.Trainer;
import org.ddpm4j.nn.UNet;
import org.ddpm4j.nn.UNetConfig;
import org.ddpm4j.tensor.Backends;

/** A small U-Net trained for a few steps on random 8×8 images, and the comparison of two such runs bit for bit. */
final class SparkRuns {
    static final int STEPS = 4, BATCH = 5, DATA = 23, SIZE = 8;

    private SparkRuns() {
    }

    /** What a run leaves: its losses, the checksum of the weights before every step, and every state tensor. */
    record Run(List<Double> losses, List<Long> stepChecksums, List<float[]> state) {
    }

    static UNetConfig config() {
        return new UNetConfig(1, 32, new int[] {1, 2}, 1, Set.of(), 0.1f, SIZE, 0, false);
    }

    static Dataset data() {
        SplittableRandom r = new SplittableRandom(11);
        float[][] samples = new float[DATA][SIZE * SIZE];
        for (float[] s : samples) {
            for (int i = 0; i < s.length; i++) {
                s[i] = (float) (2 * r.nextDouble() - 1);
            }
        }
        return new Dataset() {
            @Override
            public int size() {
                return DATA;
            }

            @Override
            public int[] sampleShape() {
                return new int[] {1, SIZE, SIZE};
            }

            @Override
            public void copySample(int index, float[] dst, int offset) {
                System.arraycopy(samples[index], 0, dst, offset, samples[index].length);
            }
        };
    }

    /** The trainer's settings, as {@link AllGatherTraining} takes them. */
    static final AllGatherTraining.Settings SETTINGS = new AllGatherTraining.Settings(BATCH, 1e-3, true, 3, 0.9);

    static GaussianDiffusion diffusion() {
        return GaussianDiffusion.builder().schedule(Schedules.linear(50, 1e-3, 0.1)).build();
    }

    static UNet model() {
        return new UNet(config(), Backends.create("simd", 1), new SplittableRandom(7));
    }

    private static Trainer trainer(UNet model, GradientReduction reduction, Path checkpoint) {
        Trainer.Builder b = Trainer.builder(model, diffusion()).data(data()).batchSize(SETTINGS.batchSize())
                .flips(SETTINGS.flips()).seed(SETTINGS.seed()).learningRate(SETTINGS.learningRate())
                .emaDecay(SETTINGS.emaDecay()).modelConfig(config()).gradientReduction(reduction);
        return (checkpoint == null ? b : b.checkpoint(checkpoint, 1)).build();
    }

    /** Steps {@code from} to {@code to − 1} of {@code STEPS}, every Spark worker's checksum checked at every step. */
    static Run run(GradientReduction reduction, int from, int to, Path resumeFrom, Path checkpoint)
            throws IOException {
        UNet model = model();
        Trainer t = trainer(model, reduction, checkpoint);
        if (resumeFrom != null) {
            t.resume(resumeFrom);
        }
        assertEquals(from, t.step());
        List<Double> losses = new ArrayList<>();
        List<Long> checksums = new ArrayList<>();
        for (int s = from; s < to; s++) {
            checksums.add(Replica.checksum(Replica.weights(model.parameters())));
            losses.add(t.trainStep());
            if (reduction instanceof SparkGradients spark) {
                for (long c : spark.lastChecksums()) {
                    assertEquals(checksums.get(checksums.size() - 1), c, "a worker's weights at step " + (s + 1));
                }
            }
        }
        if (checkpoint != null) {
            t.save(checkpoint);
        }
        List<float[]> state = new ArrayList<>();
        model.parameters().forEach(p -> state.add(p.value().toArray()));
        t.ema().shadow().forEach(e -> state.add(e.toArray()));
        t.adam().firstMoments().forEach(m -> state.add(m.toArray()));
        t.adam().secondMoments().forEach(m -> state.add(m.toArray()));
        return new Run(losses, checksums, state);
    }

    static void assertSameRun(Run expected, Run actual) {
        assertEquals(expected.losses(), actual.losses(), "losses at every step");
        assertEquals(expected.stepChecksums(), actual.stepChecksums(), "weights before every step");
        assertEquals(expected.state().size(), actual.state().size());
        for (int i = 0; i < expected.state().size(); i++) {
            assertArrayEquals(expected.state().get(i), actual.state().get(i), "weights, EMA and Adam tensor " + i);
        }
    }
}
