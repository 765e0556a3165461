package org.ddpm4j.bench.experiments;

import java.util.List;
import java.util.stream.IntStream;
import org.ddpm4j.diffusion.Schedule;
import org.ddpm4j.diffusion.data.SwissRoll;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.nn.ForwardContext;
import org.ddpm4j.nn.Parameter;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;

/**
 * The best ε-predictor with a learned (range-interpolated) variance that any network could be for the swiss roll:
 * x₀ = m(u)/s + σ_d·n with u uniform, so given u, x_t is Gaussian and E[x₀ | x_t] and Var(x₀ | x_t) follow by
 * quadrature over u (the same 20 000 nodes as {@link SwissRoll#logDensity}). The mean is exact; the variance is the
 * moment-matched β̃_t + c₀²·Var(x₀ | x_t) per coordinate, written as the network's v (not clamped to [β̃, β]).
 */
public final class BayesOptimalDenoiser implements Denoiser {
    private static final int NODES = 20_000;
    private static final Backend HOST = new ScalarBackend();
    private final Schedule schedule;
    private final double[] curveX = new double[NODES], curveY = new double[NODES];
    private final double noiseVar = Math.pow(SwissRoll.NOISE / SwissRoll.SCALE, 2);

    public BayesOptimalDenoiser(Schedule schedule) {
        this.schedule = schedule;
        for (int k = 0; k < NODES; k++) {
            double theta = 1.5 * Math.PI * (1 + 2 * (k + 0.5) / NODES);
            curveX[k] = theta * Math.cos(theta) / SwissRoll.SCALE;
            curveY[k] = theta * Math.sin(theta) / SwissRoll.SCALE;
        }
    }

    @Override
    public Tensor forward(Tensor x, int[] timesteps, int[] labels, ForwardContext ctx) {
        float[] in = x.toArray(), o = new float[4 * x.dim(0)];
        IntStream.range(0, x.dim(0)).parallel().forEach(r -> predict(in[2 * r], in[2 * r + 1], timesteps[r], o, 4 * r));
        return Tensor.of(o, x.dim(0), 4);
    }

    private void predict(double px, double py, int t, float[] o, int at) {
        double ab = schedule.alphaBar(t), sa = Math.sqrt(ab), s2 = 1 - ab, v = ab * noiseVar + s2;
        double shrink = sa * noiseVar / v;
        double[] logW = new double[NODES];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < NODES; k++) {
            double dx = px - sa * curveX[k], dy = py - sa * curveY[k];
            logW[k] = -(dx * dx + dy * dy) / (2 * v);
            max = Math.max(max, logW[k]);
        }
        double z = 0, ex = 0, ey = 0, exx = 0, eyy = 0;
        for (int k = 0; k < NODES; k++) {
            double w = Math.exp(logW[k] - max);
            // Given u, x₀ | x_t is Gaussian with this mean and variance σ_d²(1 − ᾱ)/v per coordinate.
            double cx = curveX[k] + shrink * (px - sa * curveX[k]), cy = curveY[k] + shrink * (py - sa * curveY[k]);
            z += w;
            ex += w * cx;
            ey += w * cy;
            exx += w * cx * cx;
            eyy += w * cy * cy;
        }
        ex /= z;
        ey /= z;
        double within = noiseVar * s2 / v;
        double[] var = {exx / z - ex * ex + within, eyy / z - ey * ey + within};
        o[at] = (float) ((px - sa * ex) / Math.sqrt(s2));
        o[at + 1] = (float) ((py - sa * ey) / Math.sqrt(s2));
        double c0 = schedule.posteriorMeanCoefX0(t), logMax = Math.log(schedule.beta(t));
        double logMin = schedule.posteriorLogVarianceClipped(t), posterior = t == 0 ? 0 : schedule.posteriorVariance(t);
        for (int j = 0; j < 2; j++) {
            double frac = (Math.log(posterior + c0 * c0 * var[j]) - logMin) / (logMax - logMin);
            o[at + 2 + j] = (float) (2 * frac - 1);
        }
    }

    /** The quadrature runs on the host: a scalar backend for whatever the caller computes on its output. */
    @Override
    public Backend backend() {
        return HOST;
    }

    @Override
    public void backward(Tensor gradOutput) {
        throw new UnsupportedOperationException("the Bayes-optimal denoiser has no parameters to train");
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }
}
