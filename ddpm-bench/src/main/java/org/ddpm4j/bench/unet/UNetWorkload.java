package org.ddpm4j.bench.unet;

import java.util.SplittableRandom;
import org.ddpm4j.nn.ForwardContext;
import org.ddpm4j.nn.UNet;
import org.ddpm4j.nn.UNetConfig;
import org.ddpm4j.nn.optim.Adam;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/**
 * What the U-Net benchmark times, step for step as the PyTorch script: a training step draws t and ε, forms
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
    private final double[] alphaBar = new double[T];
    private final Tensor x0;
    private final Tensor noise;
    private final Tensor xt;
    private final Tensor grad;
    private final int[] t;
    private long step;

    public UNetWorkload(Backend be, UNetCase kernelCase) {
        this.be = be;
        this.kernelCase = kernelCase;
        UNetConfig config = config(kernelCase);
        this.net = new UNet(config, be, new SplittableRandom(1));
        this.adam = Adam.ddpm(net.parameters());
        double prod = 1;
        for (int i = 0; i < T; i++) {
            prod *= 1 - (1e-4 + (0.02 - 1e-4) * i / (T - 1));
            alphaBar[i] = prod;
        }
        int b = kernelCase.batch();
        this.x0 = gaussian(b, 1, 32, 32); // stands in for Fashion-MNIST padded to 32×32 and scaled to [-1, 1]
        this.noise = x0.zerosLike();
        this.xt = x0.zerosLike();
        this.grad = x0.zerosLike();
        this.t = new int[b];
        java.util.Arrays.fill(t, 500);
    }

    /** The small grayscale U-Net of the PyTorch script at the case's base channel count. */
    public static UNetConfig config(UNetCase c) {
        return UNetConfig.smallGrayscale().withChannels(c.channels());
    }

    public void run() {
        if (!kernelCase.training()) {
            net.forward(xt, t, null, ForwardContext.inference());
            return;
        }
        int b = kernelCase.batch(), per = x0.size() / b;
        float[] n = noise.data(), x = x0.data(), y = xt.data();
        for (int i = 0; i < b; i++) {
            t[i] = rng.nextInt(T);
            float a = (float) Math.sqrt(alphaBar[t[i]]), s = (float) Math.sqrt(1 - alphaBar[t[i]]);
            for (int j = i * per; j < (i + 1) * per; j++) {
                n[j] = (float) rng.nextGaussian();
                y[j] = a * x[j] + s * n[j];
            }
        }
        net.zeroGrad();
        Tensor eps = net.forward(xt, t, null, ForwardContext.training(step++));
        be.mseLoss(eps, noise);
        grad.zero();
        be.mseLossBackward(eps, noise, 1f, grad);
        net.backward(grad);
        adam.step();
    }

    private Tensor gaussian(int... shape) {
        Tensor g = Tensor.zeros(shape);
        for (int i = 0; i < g.size(); i++) {
            g.data()[i] = (float) rng.nextGaussian();
        }
        return g;
    }
}
