package org.ddpm4j.diffusion.eval;

import org.ejml.simple.SimpleMatrix;

/**
 * Mean and covariance of a set of feature vectors (rows), in double: what the Fréchet distance compares.
 *
 * @param mean       the mean feature, length d
 * @param covariance the d × d sample covariance (divided by n − 1)
 * @param count      how many vectors
 */
public record FeatureStatistics(double[] mean, SimpleMatrix covariance, int count) {

    /** The statistics of {@code n} vectors of length {@code d}, stored row by row in {@code features}. */
    public static FeatureStatistics of(float[] features, int n, int d) {
        if (n < 2 || d < 1 || features.length != n * d) {
            throw new IllegalArgumentException("feature statistics need n >= 2 rows of d values: n " + n + ", d " + d
                    + ", " + features.length + " values");
        }
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mean[j] += features[i * d + j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double[][] cov = new double[d][d];
        double[] centred = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                centred[j] = features[i * d + j] - mean[j];
            }
            for (int a = 0; a < d; a++) {
                for (int b = a; b < d; b++) {
                    cov[a][b] += centred[a] * centred[b];
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                cov[a][b] /= n - 1;
                cov[b][a] = cov[a][b];
            }
        }
        return new FeatureStatistics(mean, new SimpleMatrix(cov), n);
    }
}
