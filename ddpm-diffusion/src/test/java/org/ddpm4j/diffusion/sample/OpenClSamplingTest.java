package org.ddpm4j.diffusion.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.SplittableRandom;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.Schedules;
import org.ddpm4j.nn.UNet;
import org.ddpm4j.nn.UNetConfig;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.OpenClTestDevice;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;
import org.ddpm4j.tensor.opencl.OpenClBackend;
import org.ddpm4j.tensor.opencl.Transfers;
import org.junit.jupiter.api.Test;

/** Sampling with a U-Net on the OpenCL device draws what the scalar reference draws from the same generator. */
class OpenClSamplingTest {
    /** Five ancestral steps through a whole U-Net: the float32 rounding of many ops, as for one forward pass. */
    private static final double ABS = 2e-3;
    private static final double REL = 2e-3;

    @Test
    void respacedAncestralSamplingMatchesTheScalarReference() {
        OpenClBackend openCl = OpenClTestDevice.backendOrSkip();
        try {
            UNetConfig config = new UNetConfig(1, 32, new int[] {1, 2}, 1, Set.of(4), 0.1f, 8, 0);
            Tensor onScalar = sample(new ScalarBackend(), config);
            Tensor onDevice = sample(openCl, config);
            for (int i = 0; i < onScalar.size(); i++) {
                double e = onScalar.get(i), a = onDevice.get(i);
                assertTrue(Math.abs(a - e) <= ABS + REL * Math.abs(e), "sample[" + i + "]: scalar " + e + ", OpenCL " + a);
            }
        } finally {
            openCl.shutdown();
        }
    }

    /**
     * The diffusion maths and its noise are on the device: each further sampling step sends only a few per-sample
     * values to the device, none of the image-sized noise, and nothing comes back until the caller reads the result.
     */
    @Test
    void aSamplingStepMovesNoImageSizedDataToTheDevice() {
        OpenClBackend openCl = OpenClTestDevice.backendOrSkip();
        try {
            UNet model = model(openCl, new UNetConfig(1, 32, new int[] {1, 2}, 1, Set.of(4), 0.1f, 16, 0));
            int imageBytes = 16 * 16 * Float.BYTES;
            sample(model, 2); // the weights and every buffer on the device
            Transfers shortRun = traffic(openCl, model, 3), longRun = traffic(openCl, model, 8);
            assertEquals(0, shortRun.bytesToHost() + longRun.bytesToHost(), "bytes back before the result is read");
            long perStep = (longRun.bytesToDevice() - shortRun.bytesToDevice()) / 5;
            System.out.println("OpenCL sampling: " + perStep + " bytes to the device per step, batch " + BATCH);
            assertTrue(perStep < imageBytes, "bytes to the device per step: " + perStep + ", less than one "
                    + imageBytes + "-byte image of noise");
        } finally {
            openCl.shutdown();
        }
    }

    private static final int BATCH = 2;

    private static Transfers traffic(OpenClBackend be, UNet model, int steps) {
        Transfers before = be.transfers();
        sample(model, steps);
        return be.transfers().since(before);
    }

    /** The U-Net's zero-initialised output layer would make every model equal: sample from random weights. */
    private static Tensor sample(Backend be, UNetConfig config) {
        return sample(model(be, config), 5);
    }

    private static UNet model(Backend be, UNetConfig config) {
        UNet model = new UNet(config, be, new SplittableRandom(1));
        SplittableRandom weights = new SplittableRandom(2);
        model.parameters().forEach(p -> p.value().update(d -> {
            for (int i = 0; i < d.length; i++) {
                d[i] += (float) (0.05 * weights.nextGaussian());
            }
        }));
        return model;
    }

    private static Tensor sample(UNet model, int steps) {
        GaussianDiffusion diffusion = GaussianDiffusion.builder().schedule(Schedules.linear(1000, 1e-4, 0.02))
                .build();
        int size = model.config().imageSize();
        return new Sampler(diffusion).respaced(steps).sample(model, new int[] {BATCH, 1, size, size},
                new SplittableRandom(3));
    }
}
