package org.ddpm4j.diffusion;

/**
 * What the network predicts: ε (DDPM Eq. 11, the default), x₀ or the posterior mean μ̃ (DDPM Table 2), or the
 * velocity v = √ᾱ_t·ε − √(1 − ᾱ_t)·x₀ (Salimans &amp; Ho 2022, §4), from which x̂₀ = √ᾱ_t·x_t − √(1 − ᾱ_t)·v̂.
 */
public enum MeanType {
    EPSILON, X0, MEAN, VELOCITY
}
