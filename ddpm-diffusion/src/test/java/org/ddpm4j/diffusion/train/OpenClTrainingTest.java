package org.ddpm4j.diffusion.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.Schedules;
import org.ddpm4j.diffusion.data.InMemoryDataset;
import org.ddpm4j.nn.Parameter;
import org.ddpm4j.nn.UNet;
import org.ddpm4j.nn.UNetConfig;
import org.ddpm4j.nn.io.SafeTensors;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.OpenClTestDevice;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;
import org.ddpm4j.tensor.opencl.OpenClBackend;
import org.ddpm4j.tensor.opencl.Transfers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole training steps (flips, dropout, L_simple, clipping, Adam, EMA) with the weights kept on the OpenCL device
 * between steps: the same losses and weights as the scalar reference, weights that do not travel, and a checkpoint
 * that holds the device's values.
 */
class OpenClTrainingTest {
    private static final int STEPS = 3;
    private static final double LEARNING_RATE = 2e-4;
    /** Float32 rounding through a U-Net forward: the first loss, before any update. */
    private static final double FIRST_LOSS_REL = 1e-4;
    /** Later losses see weights that differ by the updates' rounding. */
    private static final double LATER_LOSS_REL = 2e-3;
    /**
     * Adam's first steps move each weight by about lr·sign(g); where a gradient is near zero its sign may differ
     * between the backends, so weights may differ by up to 2·lr per step.
     */
    private static final double WEIGHT_ABS = STEPS * 2 * LEARNING_RATE + 1e-5;

    private static final int BATCH = 4;
    /**
     * A step's upload beyond its batch: timesteps, the time embedding's input, per-sample values. Less than the
     * batch itself, so noise drawn on the host (as many bytes as the batch) would not fit.
     */
    private static final long STEP_SLACK_BYTES = 1000;

    @TempDir
    Path dir;

    private record Run(double[] losses, List<Parameter> params, List<Tensor> ema, Transfers lastStep) {
    }

    @Test
    void trainingStepsMatchTheScalarReferenceWithTheWeightsStayingOnTheDevice() throws IOException {
        OpenClBackend openCl = OpenClTestDevice.backendOrSkip();
        try {
            Run reference = train(new ScalarBackend(), null);
            Path checkpoint = dir.resolve("device.safetensors");
            Run device = train(openCl, checkpoint);
            assertEquals(reference.losses()[0], device.losses()[0], FIRST_LOSS_REL * reference.losses()[0]);
            for (int s = 1; s < STEPS; s++) {
                assertEquals(reference.losses()[s], device.losses()[s], LATER_LOSS_REL * reference.losses()[s],
                        "loss of step " + s);
            }
            long weightBytes = 0;
            for (int i = 0; i < reference.params().size(); i++) {
                String name = reference.params().get(i).name();
                assertClose(reference.params().get(i).value(), device.params().get(i).value(), name);
                assertClose(reference.ema().get(i), device.ema().get(i), "EMA of " + name);
                weightBytes += 4L * reference.params().get(i).value().size();
            }
            Transfers step = device.lastStep();
            assertTrue(step.bytesToDevice() < weightBytes / 4 && step.bytesToHost() < weightBytes / 4,
                    "a step moved " + step + " with " + weightBytes + " bytes of weights: they should stay put");
            // Up: the batch, plus the timesteps and per-sample coefficients; the noise is drawn on the device. Down:
            // only the reductions' partial sums (the loss, the gradient norm, the finite-weights check).
            long batchBytes = 4L * BATCH * 64;
            System.out.println("OpenCL training: " + step + " per step, batch " + batchBytes + " bytes");
            assertTrue(STEP_SLACK_BYTES < batchBytes && step.bytesToDevice() <= batchBytes + STEP_SLACK_BYTES,
                    "a step sent " + step.bytesToDevice() + " bytes to the device for a batch of " + batchBytes
                    + " bytes");

            SafeTensors.Contents saved = SafeTensors.read(checkpoint);
            Parameter first = device.params().get(0);
            Tensor stored = saved.tensors().get(first.name());
            assertTrue(stored != null, "checkpoint tensors: " + saved.tensors().keySet());
            assertEquals(java.util.Arrays.toString(first.value().toArray()), java.util.Arrays.toString(stored.toArray()),
                    "the checkpoint holds the device's weights");
        } finally {
            openCl.shutdown();
        }
    }

    private static Run train(Backend be, Path checkpoint) {
        UNetConfig config = new UNetConfig(1, 32, new int[] {1, 2}, 1, Set.of(4), 0.1f, 8, 0);
        UNet model = new UNet(config, be, new SplittableRandom(1));
        GaussianDiffusion diffusion = GaussianDiffusion.builder().schedule(Schedules.linear(100, 1e-4, 0.02))
                .build();
        SplittableRandom pixels = new SplittableRandom(4);
        float[] images = new float[16 * 64];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) (2 * pixels.nextDouble() - 1);
        }
        Trainer trainer = Trainer.builder(model, diffusion).data(new InMemoryDataset(images, new int[] {1, 8, 8},
                null, 0)).batchSize(BATCH).learningRate(LEARNING_RATE).emaDecay(0.9).flips(true).clipNorm(1.0).seed(3)
                .build();
        double[] losses = new double[STEPS];
        Transfers lastStep = null;
        for (int s = 0; s < STEPS; s++) {
            Transfers before = be instanceof OpenClBackend o ? o.transfers() : null;
            losses[s] = trainer.trainStep();
            lastStep = before == null ? null : ((OpenClBackend) be).transfers().since(before);
        }
        if (checkpoint != null) {
            trainer.save(checkpoint);
        }
        return new Run(losses, model.parameters(), trainer.ema().shadow(), lastStep);
    }

    private static void assertClose(Tensor expected, Tensor actual, String what) {
        float[] e = expected.toArray(), a = actual.toArray();
        for (int i = 0; i < e.length; i++) {
            assertTrue(Math.abs(e[i] - a[i]) <= WEIGHT_ABS, what + "[" + i + "]: scalar " + e[i] + ", OpenCL " + a[i]);
        }
    }
}
