package org.ddpm4j.bench.unet;

import java.util.SplittableRandom;
import org.ddpm4j.diffusion.ForwardProcess;
import org.ddpm4j.diffusion.Schedules;
import org.ddpm4j.nn.ForwardContext;
import org.ddpm4j.nn.UNet;
import org.ddpm4j.nn.UNetConfig;
import org.ddpm4j.nn.optim.Adam;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/**
 * What the U-Net benchmark times, step for step as the PyTorch peer: a training step draws t and ε, forms
 * {@code x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε} (DDPM Eq. 4, linear β from 1e-4 to 0.02 over 1000 steps), runs forward and
 * backward of the MSE to ε and an Adam step; the sampling case runs one no-grad forward at t = 500.
 */
public final class UNetWorkload {
    private static final int T = 1000;

    private final Backend be;
    private final UNetCase kernelCase;
    private final UNet net;
    private final Adam adam;
    private final SplittableRandom rng = new SplittableRandom(0);
    private final ForwardProcess q = new ForwardProcess(Schedules.linear(T, 1e-4, 0.02));
    private final Tensor x0;
    private final Tensor noise;
    private final Tensor xt;
    private final Tensor grad;
    private final int[] t;
    private long step;

    public UNetWorkload(Backend be, UNetCase kernelCase) {
        this.be = be;
        this.kernelCase = kernelCase;
        UNetConfig config = kernelCase.config();
        this.net = new UNet(config, be, new SplittableRandom(1));
        this.adam = Adam.ddpm(be, net.parameters());
        int b = kernelCase.batch();
        this.x0 = Tensor.zeros(b, config.imageChannels(), config.imageSize(), config.imageSize());
        // Stands in for the images (Fashion-MNIST padded to 32×32, or CIFAR-10) scaled to [-1, 1].
        ForwardProcess.gaussian(be, x0, rng);
        this.noise = x0.zerosLike();
        this.xt = x0.zerosLike();
        this.grad = x0.zerosLike();
        this.t = new int[b];
        java.util.Arrays.fill(t, 500);
        if (!kernelCase.training()) {
            ForwardProcess.gaussian(be, xt, rng); // the script samples from x_t = randn at t = 500
        }
    }

    public void run() {
        if (!kernelCase.training()) {
            net.forward(xt, t, null, ForwardContext.inference());
            be.finish();
            return;
        }
        for (int i = 0; i < t.length; i++) {
            t[i] = rng.nextInt(T);
        }
        ForwardProcess.gaussian(be, noise, rng);
        q.sample(be, x0, t, noise, xt);
        net.zeroGrad();
        Tensor eps = net.forward(xt, t, null, ForwardContext.training(step++));
        be.mseLoss(eps, noise);
        grad.zero();
        be.mseLossBackward(eps, noise, 1f, grad);
        net.backward(grad);
        adam.step();
        be.finish();
    }
}
