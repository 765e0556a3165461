package org.ddpm4j.diffusion;

/**
 * The reverse-process variance σ²_t: β_t ("fixed large") or β̃_t ("fixed small"), both from DDPM §3.2, or learned
 * per element as an interpolation between them in the log domain (Nichol &amp; Dhariwal 2021, Eq. 15):
 * log σ² = v'·log β_t + (1 − v')·log β̃_t with v' = (v + 1)/2, where v is the second half of the network's output
 * channels (the model then outputs twice the data's channels); or that interpolation with a fixed v' (Ho &amp;
 * Salimans sample with (σ̃²)^{1−v}(σ²)^v, v = 0.3: {@link GaussianDiffusion.Builder#varianceInterpolation}).
 */
public enum VarianceType {
    /** σ² = β_t (β̃_1 at the first step, as DDPM's code). */
    FIXED_LARGE,
    /** σ² = β̃_t, the posterior variance of Eq. 7 (clipped at the first step). */
    FIXED_SMALL,
    /** log σ² = v'·log β_t + (1 − v')·log β̃_t with v' from the network's output. */
    LEARNED_RANGE,
    /** log σ² = v·log β_t + (1 − v)·log β̃_t with a fixed v. */
    INTERPOLATED
}
