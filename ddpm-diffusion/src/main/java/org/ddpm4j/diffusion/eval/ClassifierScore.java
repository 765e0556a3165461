package org.ddpm4j.diffusion.eval;

/**
 * The Inception-score analogue in our own classifier's label space (Salimans et al. 2016, with a Fashion-MNIST
 * classifier for the Inception network): exp(E_x KL(p(y | x) ‖ p(y))), between 1 (every sample gets the same
 * class distribution) and the number of classes (confident and evenly spread predictions).
 */
public final class ClassifierScore {
    private ClassifierScore() {
    }

    /** The score of {@code n} rows of {@code classes} logits. */
    public static double fromLogits(float[] logits, int n, int classes) {
        if (n < 1 || classes < 2 || logits.length != n * classes) {
            throw new IllegalArgumentException("classifier score: " + logits.length + " logits are not " + n + " rows of "
                    + classes + " classes");
        }
        double[][] p = new double[n][classes];
        double[] marginal = new double[classes];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[i * classes + c]);
            }
            for (int c = 0; c < classes; c++) {
                p[i][c] = Math.exp(logits[i * classes + c] - max);
                sum += p[i][c];
            }
            for (int c = 0; c < classes; c++) {
                p[i][c] /= sum;
                marginal[c] += p[i][c] / n;
            }
        }
        double kl = 0;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < classes; c++) {
                if (p[i][c] > 0) {
                    kl += p[i][c] * Math.log(p[i][c] / marginal[c]) / n;
                }
            }
        }
        return Math.exp(kl);
    }
}
