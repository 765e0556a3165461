package org.ddpm4j.diffusion;

/** The reverse-process variance σ²_t: β_t ("fixed large") or β̃_t ("fixed small"), both from DDPM §3.2. */
public enum VarianceType {
    FIXED_LARGE, FIXED_SMALL
}
