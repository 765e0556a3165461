package org.ddpm4j.diffusion.data;

import java.util.random.RandomGenerator;

/**
 * A 2-D toy: {@code k} isotropic Gaussians of standard deviation {@code sd} with centres evenly spaced on a circle of
 * radius {@code radius}, equally weighted; its exact log-density is known, so a model's bound can be compared with
 * the truth as for the swiss roll.
 */
public record GaussianMixture(int k, double radius, double sd) {

    public GaussianMixture {
        if (k < 1 || !(radius >= 0) || !(sd > 0)) {
            throw new IllegalArgumentException("Gaussian mixture: k " + k + ", radius " + radius + ", sd " + sd);
        }
    }

    /** Eight components on a circle of radius 1.5 with sd 0.2 (roughly unit variance per coordinate). */
    public static GaussianMixture eightModes() {
        return new GaussianMixture(8, 1.5, 0.2);
    }

    /** {@code n} points as an unlabelled dataset of shape [2]. */
    public Dataset sample(int n, RandomGenerator rng) {
        float[] d = new float[2 * n];
        for (int i = 0; i < n; i++) {
            double angle = 2 * Math.PI * rng.nextInt(k) / k;
            d[2 * i] = (float) (radius * Math.cos(angle) + sd * rng.nextGaussian());
            d[2 * i + 1] = (float) (radius * Math.sin(angle) + sd * rng.nextGaussian());
        }
        return new InMemoryDataset(d, new int[] {2}, null, 0);
    }

    /** log p(x, y) in nats. */
    public double logDensity(double x, double y) {
        double max = Double.NEGATIVE_INFINITY;
        double[] logs = new double[k];
        for (int j = 0; j < k; j++) {
            double angle = 2 * Math.PI * j / k;
            double dx = x - radius * Math.cos(angle), dy = y - radius * Math.sin(angle);
            logs[j] = -(dx * dx + dy * dy) / (2 * sd * sd);
            max = Math.max(max, logs[j]);
        }
        double sum = 0;
        for (double l : logs) {
            sum += Math.exp(l - max);
        }
        return max + Math.log(sum / k) - Math.log(2 * Math.PI * sd * sd);
    }
}
