package org.ddpm4j.diffusion.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.SplittableRandom;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.GaussianResidualDenoiser;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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

    /**
     * Sampling modes beyond plain ancestral sampling whose per-step arithmetic is a backend op: a step sends the
     * per-sample values (timesteps' embedding input, coefficients; twice the batch for guidance), never an image.
     */
    enum Mode {
        GUIDED, INPAINTING, RESIDUAL_SKIP, GUIDED_DPM_SOLVER, HEUN;

        /** A class-conditional model for guidance, else an unconditional one. */
        UNetConfig config() {
            boolean guided = this == GUIDED || this == GUIDED_DPM_SOLVER;
            return new UNetConfig(1, 32, new int[] {1, 2}, 1, Set.of(8), 0.1f, 16, guided ? 3 : 0);
        }

        Tensor sample(UNet model, int steps) {
            GaussianDiffusion diffusion = diffusion();
            Sampler sampler = new Sampler(diffusion).respaced(steps);
            int size = model.config().imageSize();
            int[] shape = {BATCH, 1, size, size};
            return switch (this) {
                case GUIDED -> sampler.guidance(2.0).sample(model, shape, new int[] {0, 2}, new SplittableRandom(3));
                case INPAINTING -> {
                    Tensor image = Tensor.zeros(shape).fill(0.5f), known = Tensor.zeros(shape);
                    known.update(m -> {
                        for (int i = 0; i < m.length / 2; i++) {
                            m[i] = 1f;
                        }
                    });
                    yield sampler.inpaint(model, image, known, null, new SplittableRandom(3));
                }
                case RESIDUAL_SKIP -> sampler.sample(new GaussianResidualDenoiser(model, diffusion, 0.25), shape,
                        new SplittableRandom(3));
                case GUIDED_DPM_SOLVER -> sampler.dpmSolver().guidance(2.0).sample(model, shape, new int[] {0, 2},
                        new SplittableRandom(3));
                case HEUN -> sampler.heun().sample(model, shape, new SplittableRandom(3));
            };
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void guidedInpaintingAndResidualSamplingMatchTheScalarReferenceAndStayOnTheDevice(Mode mode) {
        OpenClBackend openCl = OpenClTestDevice.backendOrSkip();
        try {
            Tensor onScalar = mode.sample(model(new ScalarBackend(), mode.config()), 5);
            UNet onDeviceModel = model(openCl, mode.config());
            Tensor onDevice = mode.sample(onDeviceModel, 5);
            for (int i = 0; i < onScalar.size(); i++) {
                double e = onScalar.get(i), a = onDevice.get(i);
                assertTrue(Math.abs(a - e) <= ABS + REL * Math.abs(e),
                        mode + " sample[" + i + "]: scalar " + e + ", OpenCL " + a);
            }
            int imageBytes = 16 * 16 * Float.BYTES;
            Transfers shortRun = traffic(openCl, m -> mode.sample(onDeviceModel, m)),
                    longRun = traffic(openCl, m -> mode.sample(onDeviceModel, m + 5));
            long perStep = (longRun.bytesToDevice() - shortRun.bytesToDevice()) / 5;
            assertTrue(perStep < imageBytes, mode + ": " + perStep + " bytes to the device per step, less than one "
                    + imageBytes + "-byte image expected");
        } finally {
            openCl.shutdown();
        }
    }

    private static Transfers traffic(OpenClBackend be, java.util.function.IntConsumer run) {
        Transfers before = be.transfers();
        run.accept(3);
        return be.transfers().since(before);
    }

    private static GaussianDiffusion diffusion() {
        return GaussianDiffusion.builder().schedule(Schedules.linear(1000, 1e-4, 0.02)).build();
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
        GaussianDiffusion diffusion = diffusion();
        int size = model.config().imageSize();
        return new Sampler(diffusion).respaced(steps).sample(model, new int[] {BATCH, 1, size, size},
                new SplittableRandom(3));
    }
}
