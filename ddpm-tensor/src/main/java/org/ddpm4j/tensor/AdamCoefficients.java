package org.ddpm4j.tensor;

/**
 * The per-step constants of one Adam update (Kingma &amp; Ba 2015, Algorithm 1) with the bias corrections folded in:
 * {@code θ −= stepSize·m / (√v·invSqrtC2 + eps)}, where {@code stepSize = lr/(1 − β₁ᵗ)} and
 * {@code invSqrtC2 = 1/√(1 − β₂ᵗ)}.
 */
public record AdamCoefficients(float stepSize, float beta1, float beta2, float invSqrtC2, float eps) {
}
