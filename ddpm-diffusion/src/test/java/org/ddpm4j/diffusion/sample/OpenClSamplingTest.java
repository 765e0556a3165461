package org.ddpm4j.diffusion.sample;

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
                double e = onScalar.data()[i], a = onDevice.data()[i];
                assertTrue(Math.abs(a - e) <= ABS + REL * Math.abs(e), "sample[" + i + "]: scalar " + e + ", OpenCL " + a);
            }
        } finally {
            openCl.shutdown();
        }
    }

    /** The U-Net's zero-initialised output layer would make every model equal: sample from random weights. */
    private static Tensor sample(Backend be, UNetConfig config) {
        UNet model = new UNet(config, be, new SplittableRandom(1));
        SplittableRandom weights = new SplittableRandom(2);
        model.parameters().forEach(p -> {
            float[] d = p.value().data();
            for (int i = 0; i < d.length; i++) {
                d[i] += (float) (0.05 * weights.nextGaussian());
            }
        });
        GaussianDiffusion diffusion = GaussianDiffusion.builder().schedule(Schedules.linear(1000, 1e-4, 0.02))
                .build();
        return new Sampler(diffusion).respaced(5).sample(model, new int[] {2, 1, 8, 8}, new SplittableRandom(3));
    }
}
