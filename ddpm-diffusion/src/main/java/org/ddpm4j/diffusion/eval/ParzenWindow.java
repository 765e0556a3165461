package org.ddpm4j.diffusion.eval;

/**
 * The Parzen-window log-likelihood estimate of Sohl-Dickstein et al.'s Table 2 (the protocol of Breuleux et al.):
 * the generated samples s₁..s_N become the centres of an isotropic Gaussian mixture,
 * log p(x) = log (1/N) Σ N(x; s_i, σ²I), whose σ is chosen on validation data and which is then evaluated on test
 * data, in nats per example. An estimate with known biases (it favours memorised samples), kept for comparison.
 */
public final class ParzenWindow {
    private ParzenWindow() {
    }

    /** The mean of log p(x) over the rows of {@code points} (nats), for centres {@code samples} and width σ. */
    public static double meanLogLikelihood(float[] samples, float[] points, int d, double sigma) {
        int ns = rows(samples, d, "samples"), np = rows(points, d, "points");
        if (!(sigma > 0)) {
            throw new IllegalArgumentException("Parzen width σ must be positive, got " + sigma);
        }
        double norm = Math.log(ns) + 0.5 * d * Math.log(2 * Math.PI * sigma * sigma), total = 0;
        double[] logs = new double[ns];
        for (int p = 0; p < np; p++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < ns; i++) {
                double sq = 0;
                for (int c = 0; c < d; c++) {
                    double diff = points[p * d + c] - samples[i * d + c];
                    sq += diff * diff;
                }
                logs[i] = -sq / (2 * sigma * sigma);
                max = Math.max(max, logs[i]);
            }
            double sum = 0;
            for (double l : logs) {
                sum += Math.exp(l - max);
            }
            total += max + Math.log(sum) - norm;
        }
        return total / np;
    }

    /** The σ of {@code grid} with the highest validation log-likelihood. */
    public static double chooseSigma(float[] samples, float[] validation, int d, double[] grid) {
        double best = Double.NaN, bestLl = Double.NEGATIVE_INFINITY;
        for (double sigma : grid) {
            double ll = meanLogLikelihood(samples, validation, d, sigma);
            if (ll > bestLl) {
                bestLl = ll;
                best = sigma;
            }
        }
        return best;
    }

    private static int rows(float[] x, int d, String what) {
        if (d < 1 || x.length == 0 || x.length % d != 0) {
            throw new IllegalArgumentException("Parzen window: " + what + " has " + x.length + " values, not rows of " + d);
        }
        return x.length / d;
    }
}
