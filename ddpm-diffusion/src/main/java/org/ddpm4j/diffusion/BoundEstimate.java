package org.ddpm4j.diffusion;

/**
 * An unbiased Monte Carlo estimate of each example's variational bound (DDPM Eq. 5) from a stratified draw of its
 * T − 1 KL terms (see {@link GaussianDiffusion#boundEstimate}); the standard error covers both the examples and the
 * draw of timesteps and noise.
 *
 * @param perExample each example's estimated bound: L_T + L₀ + Σ_j n_j·L_{t_j}, in {@link #unit()}
 * @param decoder    each example's L₀ (the discretised decoder for images), in the same unit
 * @param timesteps  the number of KL terms drawn per example (strata of 1..T−1)
 */
public record BoundEstimate(double[] perExample, double[] decoder, int timesteps, DataKind kind) {
    /** The mean over the examples: the estimate of the expected bound. */
    public double total() {
        double s = 0;
        for (double v : perExample) {
            s += v;
        }
        return s / perExample.length;
    }

    /** The standard error of {@link #total()} (NaN below 2 examples). */
    public double standardError() {
        return Bound.standardErrorOfMean(perExample);
    }

    /** The mean decoder term L₀. */
    public double meanDecoder() {
        double s = 0;
        for (double v : decoder) {
            s += v;
        }
        return s / decoder.length;
    }

    /** "bits/dim" for images, "bits/example" for continuous data. */
    public String unit() {
        return kind == DataKind.IMAGES_8BIT ? "bits/dim" : "bits/example";
    }

    /** The examples of several batches as one estimate (the same diffusion and number of timesteps). */
    public static BoundEstimate concat(java.util.List<BoundEstimate> parts) {
        double[] all = parts.stream().flatMapToDouble(p -> java.util.Arrays.stream(p.perExample())).toArray();
        double[] dec = parts.stream().flatMapToDouble(p -> java.util.Arrays.stream(p.decoder())).toArray();
        return new BoundEstimate(all, dec, parts.get(0).timesteps(), parts.get(0).kind());
    }
}
