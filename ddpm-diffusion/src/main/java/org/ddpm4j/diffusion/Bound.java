package org.ddpm4j.diffusion;

/**
 * The variational bound L = L_T + Σ_{t>1} L_{t−1} + L₀ (DDPM Eq. 5) of a batch, averaged over the batch, in bits per
 * dimension for images or bits per example for continuous data ({@link #unit()}).
 *
 * @param terms     {@code terms[t]}: L₀ at t = 0 (the decoder), else KL(q(x_{t−1}|x_t,x₀) ‖ p_θ(x_{t−1}|x_t))
 * @param prior     L_T = KL(q(x_T|x₀) ‖ N(0, I))
 * @param distortion {@code distortion[t]}: RMSE of x̂₀ predicted at t against x₀, on the [0, 255] scale (images)
 *                   or on the data's own scale (continuous)
 * @param perExample {@code perExample[i]}: the whole bound of example i (prior and every term, one noise draw per
 *                   term), in the same unit; their mean is {@link #total()}
 */
public record Bound(double[] terms, double prior, double[] distortion, double[] perExample, DataKind kind) {

    /** The whole bound: prior plus every term. Smaller is better; −total() is the log-likelihood lower bound. */
    public double total() {
        double s = prior;
        for (double v : terms) {
            s += v;
        }
        return s;
    }

    /**
     * The standard error of {@link #total()} as an estimate of the expected bound over the data and the noise: each
     * example's bound is one draw of x_t per step, so on a small batch the estimate can vary by more than the
     * differences between models (on the swiss roll two noise seeds moved the bound of the same 1000 points by 0.19
     * bits).
     */
    public double standardError() {
        return standardErrorOfMean(perExample);
    }

    /** The standard error of the mean of {@code values}: their sample standard deviation over √n (NaN below 2). */
    public static double standardErrorOfMean(double[] values) {
        int n = values.length;
        if (n < 2) {
            return Double.NaN;
        }
        double mean = 0, sq = 0;
        for (double v : values) {
            mean += v;
        }
        mean /= n;
        for (double v : values) {
            sq += (v - mean) * (v - mean);
        }
        return Math.sqrt(sq / (n - 1) / n);
    }

    /**
     * The rate after reaching step t on the way down (DDPM Table 4 / Fig. 5): L_T plus the terms above t, i.e. the
     * bits received before x̂₀ is read off at step t.
     */
    public double rateAt(int t) {
        double s = prior;
        for (int i = terms.length - 1; i > t; i--) {
            s += terms[i];
        }
        return s;
    }

    /** "bits/dim" for images, "bits/example" for continuous data. */
    public String unit() {
        return kind == DataKind.IMAGES_8BIT ? "bits/dim" : "bits/example";
    }
}
