package org.ddpm4j.diffusion.data;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

/**
 * The 2-D swiss roll with a known density: u ~ U(0, 1), θ = 1.5π(1 + 2u),
 * x = ((θ cos θ, θ sin θ) + σ·ε)/s with ε ~ N(0, I), σ = 0.1 and s = 6.7906, the constant that gives about unit
 * variance per coordinate. Because the generator is ours, so is its density
 * {@code p(x) = ∫₀¹ N(x; m(u)/s, (σ/s)² I) du}, which {@link #logDensity} evaluates by quadrature over u.
 */
public final class SwissRoll {
    public static final double NOISE = 0.1;
    public static final double SCALE = 6.7906;
    /** Quadrature nodes over u: the curve is ~13 units long after scaling and the noise 0.015, so nodes 0.7e-3 apart. */
    private static final int QUADRATURE_NODES = 20_000;

    private SwissRoll() {
    }

    /** {@code n} points as an unlabelled dataset of shape [2]. */
    public static Dataset sample(int n, RandomGenerator rng) {
        float[] d = new float[2 * n];
        for (int i = 0; i < n; i++) {
            double theta = 1.5 * Math.PI * (1 + 2 * rng.nextDouble());
            d[2 * i] = (float) ((theta * Math.cos(theta) + NOISE * rng.nextGaussian()) / SCALE);
            d[2 * i + 1] = (float) ((theta * Math.sin(theta) + NOISE * rng.nextGaussian()) / SCALE);
        }
        return new InMemoryDataset(d, new int[] {2}, null, 0);
    }

    /** log p(x) in nats, by the midpoint rule over u with {@value #QUADRATURE_NODES} nodes (log-sum-exp). */
    public static double logDensity(double x, double y) {
        double sd = NOISE / SCALE, var = sd * sd;
        double max = Double.NEGATIVE_INFINITY;
        double[] logs = new double[QUADRATURE_NODES];
        for (int k = 0; k < QUADRATURE_NODES; k++) {
            double u = (k + 0.5) / QUADRATURE_NODES, theta = 1.5 * Math.PI * (1 + 2 * u);
            double dx = x - theta * Math.cos(theta) / SCALE, dy = y - theta * Math.sin(theta) / SCALE;
            logs[k] = -(dx * dx + dy * dy) / (2 * var);
            max = Math.max(max, logs[k]);
        }
        double sum = 0;
        for (double l : logs) {
            sum += Math.exp(l - max);
        }
        return max + Math.log(sum / QUADRATURE_NODES) - Math.log(2 * Math.PI * var);
    }

    /** The mean of log₂ p(x) over the given points: the true log-likelihood in bits per point. */
    public static double trueLogLikelihoodBits(Dataset points) {
        return Arrays.stream(logDensityBits(points)).average().orElse(Double.NaN);
    }

    /** log₂ p(x) of every point, in dataset order (computed in parallel: each is a 20 000-node quadrature). */
    public static double[] logDensityBits(Dataset points) {
        float[] d = points.all().toArray();
        return IntStream.range(0, d.length / 2).parallel()
                .mapToDouble(i -> logDensity(d[2 * i], d[2 * i + 1]) / Math.log(2)).toArray();
    }

    /**
     * L_null of Sohl-Dickstein et al.: the log-likelihood in bits per point of an isotropic unit-variance Gaussian at
     * the data's mean (the data being scaled to unit variance).
     */
    public static double nullLogLikelihoodBits(Dataset points) {
        float[] d = points.all().toArray();
        int n = d.length / 2;
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) {
            mx += d[2 * i];
            my += d[2 * i + 1];
        }
        mx /= n;
        my /= n;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double dx = d[2 * i] - mx, dy = d[2 * i + 1] - my;
            sum += -Math.log(2 * Math.PI) - (dx * dx + dy * dy) / 2;
        }
        return sum / n / Math.log(2);
    }
}
