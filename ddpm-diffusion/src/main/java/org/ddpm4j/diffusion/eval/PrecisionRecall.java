package org.ddpm4j.diffusion.eval;

/**
 * Precision and recall of generated samples in feature space by k-nearest-neighbour manifolds (Kynkäänniemi et al.
 * 2019): each point of a set owns the ball reaching its k-th nearest neighbour within that set; precision is the
 * fraction of generated points inside some real point's ball (how much of what is generated looks real), recall the
 * fraction of real points inside some generated point's ball (how much of the real variety is covered).
 *
 * @param precision in [0, 1]
 * @param recall    in [0, 1]
 */
public record PrecisionRecall(double precision, double recall) {

    /** Their default neighbourhood size. */
    public static final int DEFAULT_K = 3;

    /** Precision and recall of {@code generated} against {@code real}, rows of {@code d} features. */
    public static PrecisionRecall of(float[] real, float[] generated, int d, int k) {
        int nr = rows(real, d, k, "real"), ng = rows(generated, d, k, "generated");
        double[] realRadii = kthNeighbourDistances(real, nr, d, k), genRadii = kthNeighbourDistances(generated, ng, d, k);
        return new PrecisionRecall(coveredFraction(generated, ng, real, nr, realRadii, d),
                coveredFraction(real, nr, generated, ng, genRadii, d));
    }

    private static int rows(float[] x, int d, int k, String what) {
        if (d < 1 || x.length % d != 0 || x.length / d <= k) {
            throw new IllegalArgumentException(what + " features: " + x.length + " values are not more than k = " + k
                    + " rows of " + d);
        }
        return x.length / d;
    }

    /** Squared distance from each row to its k-th nearest other row. */
    private static double[] kthNeighbourDistances(float[] x, int n, int d, int k) {
        double[] out = new double[n], nearest = new double[k];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(nearest, Double.POSITIVE_INFINITY);
            for (int j = 0; j < n; j++) {
                if (j == i) {
                    continue;
                }
                double dist = squaredDistance(x, i, x, j, d);
                if (dist < nearest[k - 1]) {
                    // insert into the sorted list of the k smallest
                    int at = k - 1;
                    while (at > 0 && nearest[at - 1] > dist) {
                        nearest[at] = nearest[at - 1];
                        at--;
                    }
                    nearest[at] = dist;
                }
            }
            out[i] = nearest[k - 1];
        }
        return out;
    }

    /** The fraction of {@code points} inside at least one ball (centre row j of {@code centres}, squared radius). */
    private static double coveredFraction(float[] points, int np, float[] centres, int nc, double[] radii, int d) {
        int inside = 0;
        for (int i = 0; i < np; i++) {
            for (int j = 0; j < nc; j++) {
                if (squaredDistance(points, i, centres, j, d) <= radii[j]) {
                    inside++;
                    break;
                }
            }
        }
        return inside / (double) np;
    }

    private static double squaredDistance(float[] a, int i, float[] b, int j, int d) {
        double s = 0;
        for (int c = 0; c < d; c++) {
            double diff = a[i * d + c] - b[j * d + c];
            s += diff * diff;
        }
        return s;
    }
}
