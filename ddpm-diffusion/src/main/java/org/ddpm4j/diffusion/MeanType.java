package org.ddpm4j.diffusion;

/** What the network predicts (DDPM Table 2): ε (Eq. 11, the default), x₀, or the posterior mean μ̃ directly. */
public enum MeanType {
    EPSILON, X0, MEAN
}
