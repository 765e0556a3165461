package org.ddpm4j.diffusion.sample;

import java.util.random.RandomGenerator;
import org.ddpm4j.diffusion.ForwardProcess;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.tensor.Tensor;

/**
 * Interpolation in the latent space of step t (DDPM §4.4, Fig. 8): both images are encoded with the same noise,
 * {@code x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε}, their latents are mixed linearly, {@code x̄_t = (1 − λ)·x_t + λ·x'_t}, and
 * each mixture is decoded by the reverse process from step t. Small t keeps the sources' details; large t gives
 * varied, smoothly changing images.
 */
public final class Interpolation {
    private Interpolation() {
    }

    /**
     * @param a, b     two images {@code [1, C, H, W]} (or any single-sample shape) in the data's range
     * @param t        the step to encode to (0-based)
     * @param lambdas  mixing weights, one output image each
     * @return {@code [lambdas.length, ...]}: the decoded mixtures, in order
     */
    public static Tensor interpolate(Sampler sampler, Denoiser model, Tensor a, Tensor b, int t, double[] lambdas,
                                     RandomGenerator rng) {
        if (!a.sameShape(b) || a.dim(0) != 1) {
            throw new IllegalArgumentException("interpolation: need two single images of one shape, got "
                    + a.shapeString() + " and " + b.shapeString());
        }
        ForwardProcess q = sampler.diffusion().forwardProcess();
        Tensor noise = a.zerosLike(), xa = a.zerosLike(), xb = b.zerosLike();
        ForwardProcess.gaussian(model.backend(), noise, rng);
        q.sample(model.backend(), a, new int[] {t}, noise, xa);
        q.sample(model.backend(), b, new int[] {t}, noise, xb);
        int per = a.size();
        int[] shape = a.shape();
        shape[0] = lambdas.length;
        // Row k of the mix is (1 − λ_k)·x_a + λ_k·x_b: the product of the weights [K, 2] with [x_a; x_b] [2, per].
        float[] weights = new float[2 * lambdas.length];
        for (int k = 0; k < lambdas.length; k++) {
            weights[2 * k] = (float) (1 - lambdas[k]);
            weights[2 * k + 1] = (float) lambdas[k];
        }
        Tensor both = Tensor.zeros(2, per), mix = Tensor.zeros(shape);
        model.backend().concatChannels(xa.reshape(1, per), xb.reshape(1, per), both.reshape(1, 2 * per));
        model.backend().matmul(Tensor.of(weights, lambdas.length, 2), false, both, false,
                mix.reshape(lambdas.length, per), 1f, false);
        return sampler.denoise(model, mix, t, null, rng);
    }
}
