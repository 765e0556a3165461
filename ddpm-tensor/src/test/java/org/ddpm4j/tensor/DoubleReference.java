package org.ddpm4j.tensor;

/**
 * Forward passes in double precision, written straight from the definitions and independent of the backends:
 * the functions whose central finite differences check the hand-written backward passes.
 */
public final class DoubleReference {
    private DoubleReference() {
    }

    public static double[] conv2d(double[] x, double[] w, double[] b, int n, int cin, int h, int wd, int cout, Conv2dSpec s) {
        int k = s.kernel(), ho = s.outSize(h), wo = s.outSize(wd);
        double[] y = new double[n * cout * ho * wo];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < cout; o++) {
                for (int oy = 0; oy < ho; oy++) {
                    for (int ox = 0; ox < wo; ox++) {
                        double acc = b == null ? 0 : b[o];
                        for (int c = 0; c < cin; c++) {
                            for (int ky = 0; ky < k; ky++) {
                                for (int kx = 0; kx < k; kx++) {
                                    int iy = oy * s.stride() - s.padding() + ky, ix = ox * s.stride() - s.padding() + kx;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                                        acc += x[((i * cin + c) * h + iy) * wd + ix] * w[((o * cin + c) * k + ky) * k + kx];
                                    }
                                }
                            }
                        }
                        y[((i * cout + o) * ho + oy) * wo + ox] = acc;
                    }
                }
            }
        }
        return y;
    }

    static double[] linear(double[] x, double[] w, double[] b, int n, int in, int out) {
        double[] y = new double[n * out];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < out; o++) {
                double acc = b == null ? 0 : b[o];
                for (int j = 0; j < in; j++) {
                    acc += x[i * in + j] * w[o * in + j];
                }
                y[i * out + o] = acc;
            }
        }
        return y;
    }

    public static double[] groupNorm(double[] x, double[] gamma, double[] beta, int n, int c, int spatial, int groups, double eps) {
        double[] y = new double[x.length];
        int cpg = c / groups, size = cpg * spatial;
        for (int i = 0; i < n; i++) {
            for (int g = 0; g < groups; g++) {
                int start = (i * c + g * cpg) * spatial;
                double mu = 0, var = 0;
                for (int j = 0; j < size; j++) {
                    mu += x[start + j];
                }
                mu /= size;
                for (int j = 0; j < size; j++) {
                    var += (x[start + j] - mu) * (x[start + j] - mu);
                }
                var /= size;
                for (int j = 0; j < size; j++) {
                    int ch = g * cpg + j / spatial;
                    double xhat = (x[start + j] - mu) / Math.sqrt(var + eps);
                    y[start + j] = (gamma == null ? 1 : gamma[ch]) * xhat + (beta == null ? 0 : beta[ch]);
                }
            }
        }
        return y;
    }

    static double[] silu(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] / (1 + Math.exp(-x[i]));
        }
        return y;
    }

    static double[] softmaxRows(double[] x, int cols) {
        double[] y = new double[x.length];
        for (int off = 0; off < x.length; off += cols) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, x[off + j]);
            }
            for (int j = 0; j < cols; j++) {
                y[off + j] = Math.exp(x[off + j] - max);
                sum += y[off + j];
            }
            for (int j = 0; j < cols; j++) {
                y[off + j] /= sum;
            }
        }
        return y;
    }

    /** out[b, :, i] = Σ_j softmax_j(q_i·k_j/√C)·v_j with q, k, v each [B, C, T]. */
    public static double[] attention(double[] q, double[] k, double[] v, int b, int c, int t) {
        double[] out = new double[b * c * t];
        for (int bt = 0; bt < b; bt++) {
            int x0 = bt * c * t;
            double[] s = new double[t * t];
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < t; j++) {
                    double dot = 0;
                    for (int ch = 0; ch < c; ch++) {
                        dot += q[x0 + ch * t + i] * k[x0 + ch * t + j];
                    }
                    s[i * t + j] = dot / Math.sqrt(c);
                }
            }
            double[] p = softmaxRows(s, t);
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < t; i++) {
                    double acc = 0;
                    for (int j = 0; j < t; j++) {
                        acc += p[i * t + j] * v[x0 + ch * t + j];
                    }
                    out[(bt * c + ch) * t + i] = acc;
                }
            }
        }
        return out;
    }

    static double[] upsample2x(double[] x, int planes, int h, int w) {
        double[] y = new double[planes * 4 * h * w];
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < 2 * h; oy++) {
                for (int ox = 0; ox < 2 * w; ox++) {
                    y[(p * 2 * h + oy) * 2 * w + ox] = x[(p * h + oy / 2) * w + ox / 2];
                }
            }
        }
        return y;
    }

    static double[] concatChannels(double[] a, double[] b, int n, int sizeA, int sizeB) {
        double[] out = new double[a.length + b.length];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a, i * sizeA, out, i * (sizeA + sizeB), sizeA);
            System.arraycopy(b, i * sizeB, out, i * (sizeA + sizeB) + sizeA, sizeB);
        }
        return out;
    }

    /** x [N, C, spatial] plus v [C] (perSample false) or [N, C]. */
    static double[] addChannelVector(double[] x, double[] v, int n, int c, int spatial, boolean perSample) {
        double[] y = x.clone();
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < spatial; p++) {
                    y[(i * c + ch) * spatial + p] += v[perSample ? i * c + ch : ch];
                }
            }
        }
        return y;
    }

    static double[] mul(double[] a, double[] b) {
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            y[i] = a[i] * b[i];
        }
        return y;
    }

    static double mse(double[] pred, double[] target) {
        double acc = 0;
        for (int i = 0; i < pred.length; i++) {
            acc += (pred[i] - target[i]) * (pred[i] - target[i]);
        }
        return acc / pred.length;
    }
}
