package org.ddpm4j.diffusion;

/** Gaussian terms of the variational bound, in nats, as in the DDPM reference code. */
final class GaussianMath {
    static final double LN2 = Math.log(2);
    /** Half a bin of 8-bit data scaled to [−1, 1]. */
    static final double HALF_BIN = 1.0 / 255;
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double LOG_FLOOR = 1e-12;

    private GaussianMath() {
    }

    /** KL(N(m1, e^{lv1}) ‖ N(m2, e^{lv2})) of one dimension. */
    static double normalKl(double m1, double lv1, double m2, double lv2) {
        return 0.5 * (-1 + lv2 - lv1 + Math.exp(lv1 - lv2) + (m1 - m2) * (m1 - m2) * Math.exp(-lv2));
    }

    /** −log N(x; m, e^{lv}) of one dimension (the continuous decoder L₀). */
    static double gaussianNll(double x, double m, double lv) {
        return 0.5 * (Math.log(2 * Math.PI) + lv + (x - m) * (x - m) * Math.exp(-lv));
    }

    /** The DDPM code's tanh approximation of the standard normal CDF. */
    static double approxStandardNormalCdf(double x) {
        return 0.5 * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
    }

    /** Derivative of {@link #approxStandardNormalCdf}. */
    static double approxStandardNormalPdf(double x) {
        double th = Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x));
        return 0.5 * (1 - th * th) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
    }

    /**
     * −log of DDPM's discretised Gaussian decoder (Eq. 13) for one pixel x ∈ [−1, 1] on the 256-level grid, and its
     * derivatives: {@code out[0]} the NLL in nats, {@code out[1]} ∂NLL/∂m, {@code out[2]} ∂NLL/∂(log σ²).
     */
    static void discretizedNll(double x, double m, double logVariance, double[] out) {
        double invStd = Math.exp(-0.5 * logVariance);
        double zPlus = invStd * (x - m + HALF_BIN), zMin = invStd * (x - m - HALF_BIN);
        double cdfPlus = approxStandardNormalCdf(zPlus), cdfMin = approxStandardNormalCdf(zMin);
        double pdfPlus = approxStandardNormalPdf(zPlus), pdfMin = approxStandardNormalPdf(zMin);
        // dz/dm = −1/σ and dz/d(log σ²) = −z/2 for both edges.
        if (x < -0.999) {
            double p = Math.max(cdfPlus, LOG_FLOOR);
            boolean live = cdfPlus > LOG_FLOOR;
            out[0] = -Math.log(p);
            out[1] = live ? pdfPlus * invStd / p : 0;
            out[2] = live ? 0.5 * pdfPlus * zPlus / p : 0;
        } else if (x > 0.999) {
            double p = Math.max(1 - cdfMin, LOG_FLOOR);
            boolean live = 1 - cdfMin > LOG_FLOOR;
            out[0] = -Math.log(p);
            out[1] = live ? -pdfMin * invStd / p : 0;
            out[2] = live ? -0.5 * pdfMin * zMin / p : 0;
        } else {
            double delta = cdfPlus - cdfMin, p = Math.max(delta, LOG_FLOOR);
            boolean live = delta > LOG_FLOOR;
            out[0] = -Math.log(p);
            out[1] = live ? (pdfPlus - pdfMin) * invStd / p : 0;
            out[2] = live ? 0.5 * (pdfPlus * zPlus - pdfMin * zMin) / p : 0;
        }
    }
}
