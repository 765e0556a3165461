package org.ddpm4j.diffusion;

import java.util.List;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.nn.ForwardContext;
import org.ddpm4j.nn.Parameter;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;

/** Models whose output is known in closed form, for testing the diffusion maths without training. */
public final class OracleModels {
    private static final Backend SCALAR = new ScalarBackend();

    private OracleModels() {
    }

    /** Knows the batch x₀ it will be asked about and outputs the true ε = (x_t − √ᾱ_t·x₀)/√(1 − ᾱ_t). */
    public static Denoiser trueNoise(Schedule s, Tensor x0) {
        return new Fixed() {
            @Override
            public Tensor forward(Tensor xt, int[] t, int[] labels, ForwardContext ctx) {
                Tensor eps = xt.zerosLike();
                new ForwardProcess(s).predictEpsFromX0(SCALAR, xt, t, x0, eps);
                return eps;
            }
        };
    }

    /** The exact ε-predictor for data ~ N(0, I): E[ε | x_t] = √(1 − ᾱ_t)·x_t. */
    public static Denoiser standardNormalData(Schedule s) {
        return new Fixed() {
            @Override
            public Tensor forward(Tensor xt, int[] t, int[] labels, ForwardContext ctx) {
                Tensor eps = xt.zerosLike();
                int per = xt.size() / t.length;
                for (int b = 0; b < t.length; b++) {
                    for (int i = b * per; i < (b + 1) * per; i++) {
                        eps.set(i, (float) (s.sqrtOneMinusAlphaBar(t[b]) * xt.get(i)));
                    }
                }
                return eps;
            }
        };
    }

    /**
     * The exact ε-predictor for data ~ N(0, s²·I): E[ε | x_t] = √(1 − ᾱ_t)/(ᾱ_t·s² + 1 − ᾱ_t)·x_t, counting its calls.
     */
    public static Counting gaussianData(Schedule s, double variance) {
        return new Counting() {
            @Override
            public Tensor forward(Tensor xt, int[] t, int[] labels, ForwardContext ctx) {
                calls++;
                Tensor eps = xt.zerosLike();
                int per = xt.size() / t.length;
                for (int b = 0; b < t.length; b++) {
                    double abar = s.alphaBar(t[b]), k = Math.sqrt(1 - abar) / (abar * variance + 1 - abar);
                    for (int i = b * per; i < (b + 1) * per; i++) {
                        eps.set(i, (float) (k * xt.get(i)));
                    }
                }
                return eps;
            }
        };
    }

    /** A fixed model that counts the network calls made on it. */
    public abstract static class Counting extends Fixed {
        int calls;

        /** Forward calls so far. */
        public int calls() {
            return calls;
        }
    }

    /** Outputs NaN from timestep {@code from} (0-based) on, and zeros below: a diverged model. */
    public static Denoiser nanFrom(int from) {
        return new Fixed() {
            @Override
            public Tensor forward(Tensor xt, int[] t, int[] labels, ForwardContext ctx) {
                Tensor out = xt.zerosLike();
                return t[0] >= from ? out.fill(Float.NaN) : out;
            }
        };
    }

    private abstract static class Fixed implements Denoiser {
        @Override
        public Backend backend() {
            return SCALAR;
        }

        @Override
        public void backward(Tensor gradOutput) {
        }

        @Override
        public List<Parameter> parameters() {
            return List.of();
        }
    }
}
