package org.ddpm4j.diffusion;

/**
 * How the likelihood treats data: images scaled from {0..255} to [−1, 1] use DDPM's discretised Gaussian decoder
 * (Eq. 13) and report bits per dimension; continuous low-dimensional data (2-D toys) use a Gaussian density for
 * L₀ and report bits per example.
 */
public enum DataKind {
    /** Pixels from {0..255} scaled to [−1, 1]: the discretised decoder, bits per dimension. */
    IMAGES_8BIT,
    /** Real-valued data: a Gaussian density for L₀, bits per example. */
    CONTINUOUS
}
