package org.ddpm4j.diffusion;

/** The training objective: L_simple (DDPM Eq. 14) or the true variational bound L (Eq. 5), one random term per sample. */
public enum LossType {
    SIMPLE, VLB
}
