package org.ddpm4j.diffusion;

/**
 * The variational bound L = L_T + Σ_{t>1} L_{t−1} + L₀ (DDPM Eq. 5) of a batch, averaged over the batch, in bits per
 * dimension for images or bits per example for continuous data ({@link #unit()}).
 *
 * @param terms     {@code terms[t]}: L₀ at t = 0 (the decoder), else KL(q(x_{t−1}|x_t,x₀) ‖ p_θ(x_{t−1}|x_t))
 * @param prior     L_T = KL(q(x_T|x₀) ‖ N(0, I))
 * @param distortion {@code distortion[t]}: RMSE of x̂₀ predicted at t against x₀, on the [0, 255] scale (images)
 *                   or on the data's own scale (continuous)
 */
public record Bound(double[] terms, double prior, double[] distortion, DataKind kind) {

    /** The whole bound: prior plus every term. Smaller is better; −total() is the log-likelihood lower bound. */
    public double total() {
        double s = prior;
        for (double v : terms) {
            s += v;
        }
        return s;
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
