package org.ddpm4j.tensor;

import static org.ddpm4j.tensor.TensorArrays.hostArray;

/**
 * The reference backend: plain loops that follow each op's definition, single-threaded, accumulating in double.
 * Every other backend is tested against this one, so clarity beats speed here.
 */
public final class ScalarBackend implements Backend {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int threads() {
        return 1;
    }

    // ---------------------------------------------------------------- convolution

    @Override
    public void conv2d(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec, Tensor y) {
        ConvGeometry g = ConvGeometry.of("conv2d", x, w, bias, spec, y);
        float[] xd = hostArray(x), wd = hostArray(w), yd = hostArray(y);
        int k = spec.kernel();
        for (int n = 0; n < g.batch(); n++) {
            for (int o = 0; o < g.outChannels(); o++) {
                for (int oy = 0; oy < g.outHeight(); oy++) {
                    for (int ox = 0; ox < g.outWidth(); ox++) {
                        double acc = bias == null ? 0 : hostArray(bias)[o];
                        for (int c = 0; c < g.inChannels(); c++) {
                            for (int ky = 0; ky < k; ky++) {
                                int iy = oy * spec.stride() - spec.padding() + ky;
                                if (iy < 0 || iy >= g.height()) {
                                    continue;
                                }
                                for (int kx = 0; kx < k; kx++) {
                                    int ix = ox * spec.stride() - spec.padding() + kx;
                                    if (ix < 0 || ix >= g.width()) {
                                        continue;
                                    }
                                    acc += (double) xd[((n * g.inChannels() + c) * g.height() + iy) * g.width() + ix]
                                            * wd[((o * g.inChannels() + c) * k + ky) * k + kx];
                                }
                            }
                        }
                        yd[((n * g.outChannels() + o) * g.outHeight() + oy) * g.outWidth() + ox] = (float) acc;
                    }
                }
            }
        }
    }

    @Override
    public void conv2dBackward(Tensor x, Tensor w, Tensor dy, Conv2dSpec spec, Tensor dx, Tensor dw, Tensor dbias) {
        ConvGeometry g = OpChecks.conv2dBackward(x, w, dy, spec, dx, dw, dbias);
        float[] xd = hostArray(x), wd = hostArray(w), dyd = hostArray(dy), dwd = hostArray(dw);
        int k = spec.kernel();
        // dw[o,c,ky,kx] = Σ_{n,oy,ox} dy[n,o,oy,ox]·x[n,c,iy,ix]; dx gathers the same pairs the other way.
        double[] dxAcc = dx == null ? null : new double[x.size()];
        for (int o = 0; o < g.outChannels(); o++) {
            double biasAcc = 0;
            for (int c = 0; c < g.inChannels(); c++) {
                for (int ky = 0; ky < k; ky++) {
                    for (int kx = 0; kx < k; kx++) {
                        int wi = ((o * g.inChannels() + c) * k + ky) * k + kx;
                        double acc = 0;
                        for (int n = 0; n < g.batch(); n++) {
                            for (int oy = 0; oy < g.outHeight(); oy++) {
                                int iy = oy * spec.stride() - spec.padding() + ky;
                                if (iy < 0 || iy >= g.height()) {
                                    continue;
                                }
                                for (int ox = 0; ox < g.outWidth(); ox++) {
                                    int ix = ox * spec.stride() - spec.padding() + kx;
                                    if (ix < 0 || ix >= g.width()) {
                                        continue;
                                    }
                                    int xi = ((n * g.inChannels() + c) * g.height() + iy) * g.width() + ix;
                                    float gy = dyd[((n * g.outChannels() + o) * g.outHeight() + oy) * g.outWidth() + ox];
                                    acc += (double) gy * xd[xi];
                                    if (dxAcc != null) {
                                        dxAcc[xi] += (double) gy * wd[wi];
                                    }
                                }
                            }
                        }
                        dwd[wi] += (float) acc;
                    }
                }
            }
            if (dbias != null) {
                for (int n = 0; n < g.batch(); n++) {
                    for (int p = 0; p < g.outPlane(); p++) {
                        biasAcc += dyd[(n * g.outChannels() + o) * g.outPlane() + p];
                    }
                }
                hostArray(dbias)[o] += (float) biasAcc;
            }
        }
        if (dxAcc != null) {
            float[] dxd = hostArray(dx);
            for (int i = 0; i < dxd.length; i++) {
                dxd[i] += (float) dxAcc[i];
            }
        }
    }

    // ---------------------------------------------------------------- matrix products

    @Override
    public void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, float alpha, boolean accumulate) {
        MatmulGeometry g = MatmulGeometry.of(a, transA, b, transB, c);
        float[] ad = hostArray(a), bd = hostArray(b), cd = hostArray(c);
        for (int bt = 0; bt < g.batch(); bt++) {
            int ao = bt * g.strideA(), bo = bt * g.strideB(), co = bt * g.strideC();
            for (int i = 0; i < g.m(); i++) {
                for (int j = 0; j < g.n(); j++) {
                    double acc = 0;
                    for (int p = 0; p < g.k(); p++) {
                        float av = transA ? ad[ao + p * g.m() + i] : ad[ao + i * g.k() + p];
                        float bv = transB ? bd[bo + j * g.k() + p] : bd[bo + p * g.n() + j];
                        acc += (double) av * bv;
                    }
                    int ci = co + i * g.n() + j;
                    cd[ci] = (float) (alpha * acc + (accumulate ? cd[ci] : 0));
                }
            }
        }
    }

    // ---------------------------------------------------------------- normalisation

    @Override
    public void groupNorm(Tensor x, Tensor gamma, Tensor beta, int groups, float eps, Tensor y, Tensor mean, Tensor rstd) {
        GroupNormGeometry g = OpChecks.groupNorm(x, gamma, beta, groups, y, mean, rstd);
        float[] xd = hostArray(x), yd = hostArray(y);
        for (int n = 0; n < g.batch(); n++) {
            for (int grp = 0; grp < groups; grp++) {
                int start = g.groupStart(n, grp);
                double sum = 0;
                for (int i = 0; i < g.groupSize(); i++) {
                    sum += xd[start + i];
                }
                double mu = sum / g.groupSize();
                double sq = 0;
                for (int i = 0; i < g.groupSize(); i++) {
                    double d = xd[start + i] - mu;
                    sq += d * d;
                }
                double rs = 1.0 / Math.sqrt(sq / g.groupSize() + eps);
                hostArray(mean)[n * groups + grp] = (float) mu;
                hostArray(rstd)[n * groups + grp] = (float) rs;
                for (int cc = 0; cc < g.channelsPerGroup(); cc++) {
                    int c = grp * g.channelsPerGroup() + cc;
                    double gm = gamma == null ? 1 : hostArray(gamma)[c];
                    double bt = beta == null ? 0 : hostArray(beta)[c];
                    int off = start + cc * g.spatial();
                    for (int p = 0; p < g.spatial(); p++) {
                        yd[off + p] = (float) ((xd[off + p] - mu) * rs * gm + bt);
                    }
                }
            }
        }
    }

    @Override
    public void groupNormBackward(Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dy, int groups,
                                  Tensor dx, Tensor dgamma, Tensor dbeta) {
        GroupNormGeometry g = OpChecks.groupNormBackward(x, gamma, mean, rstd, dy, groups, dx, dgamma, dbeta);
        float[] xd = hostArray(x), dyd = hostArray(dy);
        for (int n = 0; n < g.batch(); n++) {
            for (int grp = 0; grp < groups; grp++) {
                double mu = hostArray(mean)[n * groups + grp], rs = hostArray(rstd)[n * groups + grp];
                int start = g.groupStart(n, grp);
                // x̂ = (x − μ)·rstd, y = γ·x̂ + β; with d = γ·dy:
                // dx = rstd·(d − mean(d) − x̂·mean(d·x̂)) over the group.
                double sumD = 0, sumDXhat = 0;
                for (int cc = 0; cc < g.channelsPerGroup(); cc++) {
                    int c = grp * g.channelsPerGroup() + cc;
                    double gm = gamma == null ? 1 : hostArray(gamma)[c];
                    int off = start + cc * g.spatial();
                    double dGamma = 0, dBeta = 0;
                    for (int p = 0; p < g.spatial(); p++) {
                        double xhat = (xd[off + p] - mu) * rs;
                        double gy = dyd[off + p];
                        dGamma += gy * xhat;
                        dBeta += gy;
                        sumD += gy * gm;
                        sumDXhat += gy * gm * xhat;
                    }
                    if (dgamma != null) {
                        hostArray(dgamma)[c] += (float) dGamma;
                    }
                    if (dbeta != null) {
                        hostArray(dbeta)[c] += (float) dBeta;
                    }
                }
                if (dx == null) {
                    continue;
                }
                double meanD = sumD / g.groupSize(), meanDXhat = sumDXhat / g.groupSize();
                for (int cc = 0; cc < g.channelsPerGroup(); cc++) {
                    int c = grp * g.channelsPerGroup() + cc;
                    double gm = gamma == null ? 1 : hostArray(gamma)[c];
                    int off = start + cc * g.spatial();
                    for (int p = 0; p < g.spatial(); p++) {
                        double xhat = (xd[off + p] - mu) * rs;
                        hostArray(dx)[off + p] = (float) (rs * (dyd[off + p] * gm - meanD - xhat * meanDXhat));
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- activations

    @Override
    public void silu(Tensor x, Tensor y) {
        ShapeCheck.requireSameShape("silu", "x", x, "y", y);
        float[] xd = hostArray(x), yd = hostArray(y);
        for (int i = 0; i < xd.length; i++) {
            double v = xd[i];
            yd[i] = (float) (v / (1 + Math.exp(-v)));
        }
    }

    @Override
    public void siluBackward(Tensor x, Tensor dy, Tensor dx) {
        ShapeCheck.requireSameShape("siluBackward", "x", x, "dy", dy);
        ShapeCheck.requireSameShape("siluBackward", "x", x, "dx", dx);
        float[] xd = hostArray(x), dyd = hostArray(dy), dxd = hostArray(dx);
        for (int i = 0; i < xd.length; i++) {
            double v = xd[i];
            double s = 1 / (1 + Math.exp(-v));
            dxd[i] += (float) (dyd[i] * s * (1 + v * (1 - s)));
        }
    }

    @Override
    public void softmax(Tensor x, Tensor y) {
        ShapeCheck.requireSameShape("softmax", "x", x, "y", y);
        ShapeCheck.requireRank("softmax", "x", x, 1);
        int cols = x.dim(-1);
        float[] xd = hostArray(x), yd = hostArray(y);
        for (int row = 0; row < x.size() / Math.max(cols, 1); row++) {
            softmaxRow(xd, yd, row * cols, cols);
        }
    }

    private static void softmaxRow(float[] xd, float[] yd, int off, int cols) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < cols; j++) {
            max = Math.max(max, xd[off + j]);
        }
        double sum = 0;
        double[] e = new double[cols];
        for (int j = 0; j < cols; j++) {
            e[j] = Math.exp(xd[off + j] - max);
            sum += e[j];
        }
        for (int j = 0; j < cols; j++) {
            yd[off + j] = (float) (e[j] / sum);
        }
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        ShapeCheck.requireSameShape("softmaxBackward", "y", y, "dy", dy);
        ShapeCheck.requireSameShape("softmaxBackward", "y", y, "dx", dx);
        int cols = y.dim(-1);
        float[] yd = hostArray(y), dyd = hostArray(dy), dxd = hostArray(dx);
        for (int row = 0; row < y.size() / Math.max(cols, 1); row++) {
            int off = row * cols;
            double dot = 0;
            for (int j = 0; j < cols; j++) {
                dot += (double) dyd[off + j] * yd[off + j];
            }
            for (int j = 0; j < cols; j++) {
                dxd[off + j] += (float) (yd[off + j] * (dyd[off + j] - dot));
            }
        }
    }

    // ---------------------------------------------------------------- attention

    @Override
    public void attention(Tensor q, Tensor k, Tensor v, Tensor out, Tensor probs) {
        AttentionGeometry g = AttentionGeometry.of("attention", q, k, v, out, probs);
        int c = g.channels(), t = g.positions();
        double scale = 1.0 / Math.sqrt(c);
        float[] qd = hostArray(q), kd = hostArray(k), vd = hostArray(v), o = hostArray(out), p = hostArray(probs);
        for (int b = 0; b < g.batch(); b++) {
            int x0 = g.offset(b), p0 = b * t * t;
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < t; j++) {
                    double s = 0;
                    for (int ch = 0; ch < c; ch++) {
                        s += (double) qd[x0 + ch * t + i] * kd[x0 + ch * t + j];
                    }
                    p[p0 + i * t + j] = (float) (s * scale);
                }
                softmaxRow(p, p, p0 + i * t, t);
            }
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < t; i++) {
                    double s = 0;
                    for (int j = 0; j < t; j++) {
                        s += (double) p[p0 + i * t + j] * vd[x0 + ch * t + j];
                    }
                    o[x0 + ch * t + i] = (float) s;
                }
            }
        }
    }

    @Override
    public void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor probs, Tensor dout, Tensor dq, Tensor dk,
            Tensor dv) {
        AttentionGeometry g = OpChecks.attentionBackward(q, k, v, probs, dout, dq, dk, dv);
        int c = g.channels(), t = g.positions();
        double scale = 1.0 / Math.sqrt(c);
        float[] qd = hostArray(q), kd = hostArray(k), vd = hostArray(v), p = hostArray(probs), dO = hostArray(dout);
        float[] dqd = hostArray(dq), dkd = hostArray(dk), dvd = hostArray(dv);
        double[] dS = new double[t * t];
        for (int b = 0; b < g.batch(); b++) {
            int x0 = g.offset(b), p0 = b * t * t;
            // dV[:, j] = Σ_i dO[:, i]·P[i,j]
            for (int ch = 0; ch < c; ch++) {
                for (int j = 0; j < t; j++) {
                    double s = 0;
                    for (int i = 0; i < t; i++) {
                        s += (double) dO[x0 + ch * t + i] * p[p0 + i * t + j];
                    }
                    dvd[x0 + ch * t + j] += (float) s;
                }
            }
            // dP[i,j] = dO[:, i]·V[:, j];  dS = P ⊙ (dP − Σ_j dP·P) · scale  (softmax backward, then the 1/√C)
            for (int i = 0; i < t; i++) {
                double rowDot = 0;
                for (int j = 0; j < t; j++) {
                    double dp = 0;
                    for (int ch = 0; ch < c; ch++) {
                        dp += (double) dO[x0 + ch * t + i] * vd[x0 + ch * t + j];
                    }
                    dS[i * t + j] = dp;
                    rowDot += dp * p[p0 + i * t + j];
                }
                for (int j = 0; j < t; j++) {
                    dS[i * t + j] = p[p0 + i * t + j] * (dS[i * t + j] - rowDot) * scale;
                }
            }
            // dQ[:, i] = Σ_j dS[i,j]·K[:, j];  dK[:, j] = Σ_i dS[i,j]·Q[:, i]
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < t; i++) {
                    double sq = 0, sk = 0;
                    for (int j = 0; j < t; j++) {
                        sq += dS[i * t + j] * kd[x0 + ch * t + j];
                        sk += dS[j * t + i] * qd[x0 + ch * t + j];
                    }
                    dqd[x0 + ch * t + i] += (float) sq;
                    dkd[x0 + ch * t + i] += (float) sk;
                }
            }
        }
    }

    // ---------------------------------------------------------------- resampling and layout

    @Override
    public void upsample2x(Tensor x, Tensor y) {
        OpChecks.upsample2x("upsample2x", "x", x, "y", y);
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        float[] xd = hostArray(x), yd = hostArray(y);
        for (int plane = 0; plane < n * c; plane++) {
            for (int oy = 0; oy < 2 * h; oy++) {
                for (int ox = 0; ox < 2 * w; ox++) {
                    yd[(plane * 2 * h + oy) * 2 * w + ox] = xd[(plane * h + oy / 2) * w + ox / 2];
                }
            }
        }
    }

    @Override
    public void upsample2xBackward(Tensor dy, Tensor dx) {
        OpChecks.upsample2x("upsample2xBackward", "dx", dx, "dy", dy);
        int n = dx.dim(0), c = dx.dim(1), h = dx.dim(2), w = dx.dim(3);
        float[] dyd = hostArray(dy), dxd = hostArray(dx);
        for (int plane = 0; plane < n * c; plane++) {
            for (int oy = 0; oy < 2 * h; oy++) {
                for (int ox = 0; ox < 2 * w; ox++) {
                    dxd[(plane * h + oy / 2) * w + ox / 2] += dyd[(plane * 2 * h + oy) * 2 * w + ox];
                }
            }
        }
    }

    @Override
    public void concatChannels(Tensor a, Tensor b, Tensor out) {
        ChannelConcat cc = ChannelConcat.of("concatChannels", a, b, out);
        for (int n = 0; n < cc.batch(); n++) {
            System.arraycopy(hostArray(a), n * cc.sizeA(), hostArray(out), n * cc.sizeOut(), cc.sizeA());
            System.arraycopy(hostArray(b), n * cc.sizeB(), hostArray(out), n * cc.sizeOut() + cc.sizeA(), cc.sizeB());
        }
    }

    @Override
    public void splitChannelsBackward(Tensor dout, Tensor da, Tensor db) {
        ChannelConcat cc = ChannelConcat.of("splitChannelsBackward", da, db, dout);
        for (int n = 0; n < cc.batch(); n++) {
            if (da != null) {
                for (int i = 0; i < cc.sizeA(); i++) {
                    hostArray(da)[n * cc.sizeA() + i] += hostArray(dout)[n * cc.sizeOut() + i];
                }
            }
            if (db != null) {
                for (int i = 0; i < cc.sizeB(); i++) {
                    hostArray(db)[n * cc.sizeB() + i] += hostArray(dout)[n * cc.sizeOut() + cc.sizeA() + i];
                }
            }
        }
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    public void add(Tensor a, Tensor b, Tensor out) {
        OpChecks.elementwise("add", a, b, out);
        for (int i = 0; i < a.size(); i++) {
            hostArray(out)[i] = hostArray(a)[i] + hostArray(b)[i];
        }
    }

    @Override
    public void mul(Tensor a, Tensor b, Tensor out) {
        OpChecks.elementwise("mul", a, b, out);
        for (int i = 0; i < a.size(); i++) {
            hostArray(out)[i] = hostArray(a)[i] * hostArray(b)[i];
        }
    }

    @Override
    public void scale(Tensor a, float s, Tensor out) {
        ShapeCheck.requireSameShape("scale", "a", a, "out", out);
        for (int i = 0; i < a.size(); i++) {
            hostArray(out)[i] = s * hostArray(a)[i];
        }
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        ShapeCheck.requireSameShape("axpy", "x", x, "y", y);
        for (int i = 0; i < x.size(); i++) {
            hostArray(y)[i] += alpha * hostArray(x)[i];
        }
    }

    @Override
    public void axpby(float alpha, Tensor x, float beta, Tensor y) {
        ShapeCheck.requireSameShape("axpby", "x", x, "y", y);
        float[] xs = hostArray(x), ys = hostArray(y);
        for (int i = 0; i < xs.length; i++) {
            ys[i] = alpha * xs[i] + beta * ys[i];
        }
    }

    @Override
    public void addProduct(Tensor a, Tensor b, Tensor out) {
        OpChecks.elementwise("addProduct", a, b, out);
        for (int i = 0; i < a.size(); i++) {
            hostArray(out)[i] += hostArray(a)[i] * hostArray(b)[i];
        }
    }


    @Override
    public void addChannelVector(Tensor x, Tensor v, Tensor out) {
        ChannelVector cv = ChannelVector.of("addChannelVector", x, v);
        ShapeCheck.requireSameShape("addChannelVector", "x", x, "out", out);
        for (int n = 0; n < cv.batch(); n++) {
            for (int c = 0; c < cv.channels(); c++) {
                float add = hostArray(v)[cv.vectorIndex(n, c)];
                int off = (n * cv.channels() + c) * cv.spatial();
                for (int p = 0; p < cv.spatial(); p++) {
                    hostArray(out)[off + p] = hostArray(x)[off + p] + add;
                }
            }
        }
    }

    @Override
    public void addChannelVectorBackward(Tensor dy, Tensor dv) {
        ChannelVector cv = ChannelVector.of("addChannelVectorBackward", dy, dv);
        for (int n = 0; n < cv.batch(); n++) {
            for (int c = 0; c < cv.channels(); c++) {
                double acc = 0;
                int off = (n * cv.channels() + c) * cv.spatial();
                for (int p = 0; p < cv.spatial(); p++) {
                    acc += hostArray(dy)[off + p];
                }
                hostArray(dv)[cv.vectorIndex(n, c)] += (float) acc;
            }
        }
    }

    // ---------------------------------------------------------------- dropout

    @Override
    public void gaussianNoise(long seed, Tensor out) {
        float[] o = hostArray(out);
        for (int i = 0; i < o.length; i++) {
            o[i] = CounterNoise.gaussian(seed, i);
        }
    }

    @Override
    public void dropout(Tensor x, float p, long seed, Tensor y, Tensor mask) {
        OpChecks.dropout(x, p, y, mask);
        float keepScale = 1f / (1f - p);
        for (int i = 0; i < x.size(); i++) {
            float m = DropoutMask.value(seed, i, p, keepScale);
            hostArray(mask)[i] = m;
            hostArray(y)[i] = hostArray(x)[i] * m;
        }
    }

    // ---------------------------------------------------------------- per-sample arithmetic

    @Override
    public void combinePerSample(Tensor x, float[] a, Tensor y, float[] c, Tensor out) {
        int per = PerSample.check("combinePerSample", x, a, y, c, out);
        float[] xv = hostArray(x), yv = hostArray(y), o = hostArray(out);
        for (int i = 0; i < o.length; i++) {
            int b = i / per;
            o[i] = a[b] * xv[i] + c[b] * yv[i];
        }
    }

    @Override
    public void clamp(Tensor x, float lo, float hi, Tensor out) {
        ShapeCheck.requireSameShape("clamp", "x", x, "out", out);
        float[] xv = hostArray(x), o = hostArray(out);
        for (int i = 0; i < o.length; i++) {
            o[i] = Math.min(Math.max(xv[i], lo), hi);
        }
    }

    // ---------------------------------------------------------------- losses and reductions

    @Override
    public double mseLoss(Tensor pred, Tensor target) {
        ShapeCheck.requireSameShape("mseLoss", "pred", pred, "target", target);
        double acc = 0;
        for (int i = 0; i < pred.size(); i++) {
            double d = (double) hostArray(pred)[i] - hostArray(target)[i];
            acc += d * d;
        }
        return acc / pred.size();
    }

    @Override
    public void meanSquaredErrorPerSample(Tensor pred, Tensor target, double[] out) {
        int per = PerSample.checkReduction("meanSquaredErrorPerSample", pred, target, out);
        float[] p = hostArray(pred), q = hostArray(target);
        for (int b = 0; b < out.length; b++) {
            double acc = 0;
            for (int i = b * per; i < (b + 1) * per; i++) {
                double d = (double) p[i] - q[i];
                acc += d * d;
            }
            out[b] = acc / per;
        }
    }

    @Override
    public void mseLossBackward(Tensor pred, Tensor target, float gradScale, Tensor dpred) {
        ShapeCheck.requireSameShape("mseLossBackward", "pred", pred, "target", target);
        ShapeCheck.requireSameShape("mseLossBackward", "pred", pred, "dpred", dpred);
        double f = 2.0 * gradScale / pred.size();
        for (int i = 0; i < pred.size(); i++) {
            hostArray(dpred)[i] += (float) (f * ((double) hostArray(pred)[i] - hostArray(target)[i]));
        }
    }

    @Override
    public double sum(Tensor x) {
        double acc = 0;
        for (float v : hostArray(x)) {
            acc += v;
        }
        return acc;
    }

    @Override
    public double sumOfSquares(Tensor x) {
        double acc = 0;
        for (float v : hostArray(x)) {
            acc += (double) v * v;
        }
        return acc;
    }
}
