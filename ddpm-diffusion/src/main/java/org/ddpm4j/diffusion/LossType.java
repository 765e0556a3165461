package org.ddpm4j.diffusion;

/**
 * The training objective: L_simple (DDPM Eq. 14); the true variational bound L (Eq. 5), one random term per sample;
 * or Nichol &amp; Dhariwal's hybrid L_simple + λ·L_vlb with λ = 0.001, where the bound term trains only the learned
 * variance (the mean is held fixed in it), for use with {@link VarianceType#LEARNED_RANGE}.
 */
public enum LossType {
    SIMPLE, VLB, HYBRID;

    /**
     * DDPM's L_simple for a fixed variance, the hybrid for a learned one (which L_simple gives no gradient): the loss
     * {@code ddpm train} uses, and the one older image checkpoints, which did not record their loss, were trained with.
     */
    public static LossType forVariance(VarianceType variance) {
        return variance == VarianceType.LEARNED_RANGE ? HYBRID : SIMPLE;
    }
}
