package org.ddpm4j.diffusion;

/**
 * The reverse-process variance σ²_t: β_t ("fixed large") or β̃_t ("fixed small"), both from DDPM §3.2, or learned
 * per element as an interpolation between them in the log domain (Nichol &amp; Dhariwal 2021, Eq. 15):
 * log σ² = v'·log β_t + (1 − v')·log β̃_t with v' = (v + 1)/2, where v is the second half of the network's output
 * channels (the model then outputs twice the data's channels).
 */
public enum VarianceType {
    FIXED_LARGE, FIXED_SMALL, LEARNED_RANGE
}
