package org.ddpm4j.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.nn.optim.Adam;
import org.ddpm4j.nn.optim.GradientClipping;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Backends;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** A tiny U-Net with DDPM's initialisation learns to reproduce one fixed batch: the MSE falls by a stated factor. */
class OverfitTest {
    /** After this many Adam steps ... */
    private static final int STEPS = 150;
    /** ... the loss must be at most this fraction of its starting value. */
    private static final double MAX_FINAL_OVER_INITIAL = 0.2;

    @Test
    void tinyUNetOverfitsOneBatch() {
        Backend be = Backends.create("simd", 2);
        UNet net = new UNet(TinyModels.tinyConfig(0).withDropout(0f), be, new SplittableRandom(1));
        Tensor x = TinyModels.normal(5, 4, 1, 8, 8), target = TinyModels.normal(6, 4, 1, 8, 8);
        int[] t = {10, 200, 400, 900};
        Adam adam = new Adam(new ScalarBackend(), net.parameters(), 1e-3, 0.9, 0.999, 1e-8, 10);
        Tensor grad = target.zerosLike();
        double first = Double.NaN, last = Double.NaN;
        for (int step = 0; step < STEPS; step++) {
            net.zeroGrad();
            Tensor y = net.forward(x, t, null, ForwardContext.training(step));
            last = be.mseLoss(y, target);
            if (step == 0) {
                first = last;
            }
            grad.zero();
            be.mseLossBackward(y, target, 1f, grad);
            net.backward(grad);
            GradientClipping.clipGlobalNorm(be, net.parameters(), 1.0);
            adam.step();
        }
        assertTrue(last <= MAX_FINAL_OVER_INITIAL * first, "loss went from " + first + " to " + last);
        be.shutdown();
    }
}
