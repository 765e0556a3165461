package org.ddpm4j.tensor.check;

import java.util.ArrayList;
import java.util.List;
import org.ddpm4j.tensor.AdamCoefficients;
import org.ddpm4j.tensor.Conv2dSpec;
import org.ddpm4j.tensor.Tensor;

/**
 * The cases {@link BackendCheck} runs: every op of the Backend interface, the convolutions and attention at the
 * U-Net's shapes (the paths a device kernel or the Winograd transform takes there) and elementwise ops at lengths
 * that are no multiple of a vector or a work group.
 */
final class OpCases {
    /** Not a multiple of any vector length or work-group size. */
    private static final int ODD_LENGTH = 4097;

    private OpCases() {
    }

    static List<OpCase> all() {
        List<OpCase> cases = new ArrayList<>();
        // N, Cin, Cout, H, W, kernel, stride, padding before, padding after
        cases.add(conv(2, 64, 64, 16, 16, 3, 1, 1, 1));
        cases.add(conv(2, 32, 64, 8, 8, 3, 1, 1, 1));
        cases.add(conv(2, 3, 32, 32, 32, 3, 1, 1, 1));
        cases.add(conv(2, 32, 32, 16, 16, 3, 2, 0, 1));
        cases.add(conv(2, 64, 32, 8, 8, 1, 1, 0, 0));
        cases.add(conv(3, 5, 7, 7, 9, 3, 1, 1, 1));
        cases.add(conv(2, 32, 1, 28, 28, 3, 1, 1, 1));
        cases.add(conv(2, 1, 32, 28, 28, 3, 1, 1, 1));
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                cases.add(matmul(0, false, 70, 45, 130, ta, tb));
            }
        }
        cases.add(matmul(3, false, 17, 33, 19, false, true));
        cases.add(matmul(2, true, 6, 32, 7, true, false));
        cases.add(linear());
        cases.add(groupNorm(2, 64, 16, 16, 32, true));
        cases.add(groupNorm(2, 6, 5, 7, 3, false));
        cases.add(silu());
        cases.add(softmax(3, 257));
        cases.add(attention(2, 64, 64));
        cases.add(attention(2, 32, 256));
        cases.add(upsample());
        cases.add(concat());
        cases.add(channelVector());
        cases.add(elementwise());
        cases.add(noiseAndDropout());
        cases.add(adam());
        cases.add(perSample(3, 1000));
        cases.add(reductions(3, ODD_LENGTH));
        return cases;
    }

    private static OpCase conv(int n, int cin, int cout, int h, int w, int k, int s, int p, int pe) {
        Conv2dSpec spec = new Conv2dSpec(k, s, p, pe);
        int ho = spec.outSize(h), wo = spec.outSize(w);
        String name = String.format("conv2d %dx%d s%d p%d,%d N%d %d->%d %dx%d", k, k, s, p, pe, n, cin, cout, h, w);
        return new OpCase(name, (be, in) -> {
            Tensor x = in.normal(n, cin, h, w), wt = in.normal(cout, cin, k, k), b = in.normal(cout);
            Tensor y = Tensor.zeros(n, cout, ho, wo);
            be.conv2d(x, wt, b, spec, y);
            Tensor dy = in.normal(n, cout, ho, wo);
            Tensor dx = in.normal(n, cin, h, w), dw = in.normal(cout, cin, k, k), db = in.normal(cout);
            be.conv2dBackward(x, wt, dy, spec, dx, dw, db);
            // The first layer's backward: the weight gradient alone.
            Tensor dwOnly = Tensor.zeros(cout, cin, k, k);
            be.conv2dBackward(x, wt, dy, spec, null, dwOnly, null);
            // A residual block's terms added to the output, and an input gradient into a buffer zeroed over NaN.
            Tensor shift = in.normal(n, cout), residual = in.normal(n, cout, ho, wo);
            Tensor yPlus = Tensor.zeros(n, cout, ho, wo);
            be.conv2dPlus(x, wt, b, spec, shift, residual, yPlus);
            Tensor dxZeroed = Tensor.zeros(n, cin, h, w).fill(Float.NaN).zero();
            be.conv2dBackward(x, wt, dy, spec, dxZeroed, Tensor.zeros(cout, cin, k, k), null);
            return new OpOutputs().convolution("y", y).convolution("dx", dx).convolution("dw", dw)
                    .tensor("dbias", db).convolution("dw (weight only)", dwOnly)
                    .convolution("y + shift + residual", yPlus).convolution("dx (zeroed buffer)", dxZeroed);
        });
    }

    private static OpCase matmul(int batch, boolean sharedB, int m, int n, int k, boolean ta, boolean tb) {
        String name = String.format("matmul %sM%d N%d K%d%s%s%s", batch == 0 ? "" : "B" + batch + " ", m, n, k,
                ta ? " Aᵀ" : "", tb ? " Bᵀ" : "", sharedB ? " shared B" : "");
        return new OpCase(name, (be, in) -> {
            int[] aShape = ta ? new int[] {k, m} : new int[] {m, k};
            int[] bShape = tb ? new int[] {n, k} : new int[] {k, n};
            Tensor a = batch == 0 ? in.normal(aShape) : in.normal(batch, aShape[0], aShape[1]);
            Tensor b = batch == 0 || sharedB ? in.normal(bShape) : in.normal(batch, bShape[0], bShape[1]);
            Tensor c = batch == 0 ? in.normal(m, n) : in.normal(batch, m, n);
            Tensor accumulated = c.copy();
            be.matmul(a, ta, b, tb, c, 0.75f, false);
            be.matmul(a, ta, b, tb, accumulated, 0.75f, true);
            return new OpOutputs().tensor("c", c).tensor("c accumulated", accumulated);
        });
    }

    private static OpCase linear() {
        return new OpCase("linear 9x37 -> 21", (be, in) -> {
            Tensor x = in.normal(9, 37), w = in.normal(21, 37), b = in.normal(21);
            Tensor y = Tensor.zeros(9, 21);
            be.linear(x, w, b, y);
            Tensor dy = in.normal(9, 21), dx = in.normal(9, 37), dw = in.normal(21, 37), db = in.normal(21);
            be.linearBackward(x, w, dy, dx, dw, db);
            return new OpOutputs().tensor("y", y).tensor("dx", dx).tensor("dw", dw).tensor("dbias", db);
        });
    }

    private static OpCase groupNorm(int n, int c, int h, int w, int groups, boolean affine) {
        String name = String.format("groupNorm N%d C%d %dx%d G%d%s", n, c, h, w, groups, affine ? "" : " no affine");
        return new OpCase(name, (be, in) -> {
            Tensor x = in.normalAround(3f, n, c, h, w);
            Tensor gamma = affine ? in.normal(c) : null, beta = affine ? in.normal(c) : null;
            Tensor y = Tensor.zeros(n, c, h, w), mean = Tensor.zeros(n, groups), rstd = Tensor.zeros(n, groups);
            be.groupNorm(x, gamma, beta, groups, 1e-5f, y, mean, rstd);
            Tensor dy = in.normal(n, c, h, w), dx = in.normal(n, c, h, w);
            Tensor dgamma = affine ? in.normal(c) : null, dbeta = affine ? in.normal(c) : null;
            be.groupNormBackward(x, gamma, mean, rstd, dy, groups, dx, dgamma, dbeta);
            Tensor z = Tensor.zeros(n, c, h, w), meanSilu = Tensor.zeros(n, groups), rstdSilu = Tensor.zeros(n, groups);
            be.groupNormSilu(x, gamma, beta, groups, 1e-5f, z, meanSilu, rstdSilu);
            Tensor dz = in.normal(n, c, h, w), dxSilu = in.normal(n, c, h, w);
            Tensor dgammaSilu = affine ? in.normal(c) : null, dbetaSilu = affine ? in.normal(c) : null;
            be.groupNormSiluBackward(x, gamma, beta, groups, 1e-5f, mean, rstd, dz, dxSilu, dgammaSilu, dbetaSilu,
                    in.normal(n, c, h, w));
            OpOutputs out = new OpOutputs().tensor("y", y).tensor("mean", mean).tensor("rstd", rstd).tensor("dx", dx)
                    .tensor("silu(y)", z).tensor("mean with silu", meanSilu).tensor("rstd with silu", rstdSilu)
                    .tensor("dx through silu", dxSilu);
            return affine ? out.tensor("dgamma", dgamma).tensor("dbeta", dbeta)
                    .tensor("dgamma through silu", dgammaSilu).tensor("dbeta through silu", dbetaSilu) : out;
        });
    }

    private static OpCase silu() {
        return new OpCase("silu " + ODD_LENGTH, (be, in) -> {
            Tensor x = in.normal(ODD_LENGTH);
            x.set(0, -90f); // exp overflows in σ(−x): the result must be −0, not NaN
            Tensor y = Tensor.zeros(ODD_LENGTH), dy = in.normal(ODD_LENGTH), dx = in.normal(ODD_LENGTH);
            be.silu(x, y);
            be.siluBackward(x, dy, dx);
            return new OpOutputs().tensor("y", y).tensor("dx", dx);
        });
    }

    private static OpCase softmax(int rows, int cols) {
        return new OpCase("softmax " + rows + "x" + cols, (be, in) -> {
            Tensor x = in.normalAround(50f, rows, cols); // large logits: the max shift must keep exp finite
            Tensor y = Tensor.zeros(rows, cols), dy = in.normal(rows, cols), dx = in.normal(rows, cols);
            be.softmax(x, y);
            be.softmaxBackward(y, dy, dx);
            return new OpOutputs().tensor("y", y).tensor("dx", dx);
        });
    }

    private static OpCase attention(int b, int c, int t) {
        return new OpCase(String.format("attention B%d C%d T%d", b, c, t), (be, in) -> {
            Tensor q = in.normal(b, c, t), k = in.normal(b, c, t), v = in.normal(b, c, t);
            Tensor out = Tensor.zeros(b, c, t), probs = Tensor.zeros(b, t, t);
            be.attention(q, k, v, out, probs);
            Tensor dout = in.normal(b, c, t), dq = in.normal(b, c, t), dk = in.normal(b, c, t), dv = in.normal(b, c, t);
            be.attentionBackward(q, k, v, probs, dout, dq, dk, dv);
            return new OpOutputs().tensor("probs", probs).tensor("out", out).tensor("dq", dq).tensor("dk", dk)
                    .tensor("dv", dv);
        });
    }

    private static OpCase upsample() {
        return new OpCase("upsample2x N2 C8 5x7", (be, in) -> {
            Tensor x = in.normal(2, 8, 5, 7), y = Tensor.zeros(2, 8, 10, 14);
            be.upsample2x(x, y);
            Tensor dy = in.normal(2, 8, 10, 14), dx = in.normal(2, 8, 5, 7);
            be.upsample2xBackward(dy, dx);
            return new OpOutputs().tensor("y", y).tensor("dx", dx);
        });
    }

    private static OpCase concat() {
        return new OpCase("concatChannels N2 3+4 5x5", (be, in) -> {
            Tensor a = in.normal(2, 3, 5, 5), b = in.normal(2, 4, 5, 5), out = Tensor.zeros(2, 7, 5, 5);
            be.concatChannels(a, b, out);
            Tensor dout = in.normal(2, 7, 5, 5), da = in.normal(2, 3, 5, 5), db = in.normal(2, 4, 5, 5);
            be.splitChannelsBackward(dout, da, db);
            return new OpOutputs().tensor("out", out).tensor("da", da).tensor("db", db);
        });
    }

    private static OpCase channelVector() {
        return new OpCase("addChannelVector N3 C6 5x7", (be, in) -> {
            Tensor x = in.normal(3, 6, 5, 7), perSample = in.normal(3, 6), shared = in.normal(6);
            Tensor yPerSample = Tensor.zeros(3, 6, 5, 7), yShared = Tensor.zeros(3, 6, 5, 7);
            be.addChannelVector(x, perSample, yPerSample);
            be.addChannelVector(x, shared, yShared);
            Tensor dy = in.normal(3, 6, 5, 7), dPerSample = in.normal(3, 6), dShared = in.normal(6);
            be.addChannelVectorBackward(dy, dPerSample);
            be.addChannelVectorBackward(dy, dShared);
            return new OpOutputs().tensor("y [N,C]", yPerSample).tensor("y [C]", yShared)
                    .tensor("dv [N,C]", dPerSample).tensor("dv [C]", dShared);
        });
    }

    private static OpCase elementwise() {
        return new OpCase("elementwise " + ODD_LENGTH, (be, in) -> {
            Tensor a = in.normal(ODD_LENGTH), b = in.normal(ODD_LENGTH);
            Tensor sum = Tensor.zeros(ODD_LENGTH), product = Tensor.zeros(ODD_LENGTH);
            Tensor scaled = Tensor.zeros(ODD_LENGTH), copied = Tensor.zeros(ODD_LENGTH);
            Tensor axpy = in.normal(ODD_LENGTH), addProduct = in.normal(ODD_LENGTH), axpby = in.normal(ODD_LENGTH);
            be.add(a, b, sum);
            be.mul(a, b, product);
            be.scale(a, -1.5f, scaled);
            be.copy(a, copied);
            be.axpy(0.3f, a, axpy);
            be.axpby(0.3f, a, 0.7f, axpby);
            be.addProduct(a, b, addProduct);
            return new OpOutputs().tensor("add", sum).tensor("mul", product).tensor("scale", scaled)
                    .tensor("copy", copied).tensor("axpy", axpy).tensor("axpby", axpby).tensor("addProduct", addProduct);
        });
    }

    private static OpCase noiseAndDropout() {
        return new OpCase("gaussianNoise, dropout N2 C4 33x33", (be, in) -> {
            Tensor noise = Tensor.zeros(2, 4, 33, 33).fill(7f);
            be.gaussianNoise(0x5EEDL, noise);
            Tensor x = in.normal(2, 4, 33, 33), y = x.zerosLike(), mask = x.zerosLike();
            be.dropout(x, 0.1f, 42L, y, mask);
            Tensor dy = in.normal(2, 4, 33, 33), dx = in.normal(2, 4, 33, 33);
            be.dropoutBackward(dy, mask, dx);
            return new OpOutputs().tensor("noise", noise).tensor("mask", mask).tensor("y", y).tensor("dx", dx);
        });
    }

    private static OpCase adam() {
        return new OpCase("adamUpdate " + ODD_LENGTH, (be, in) -> {
            Tensor param = in.normal(ODD_LENGTH), grad = in.normal(ODD_LENGTH);
            Tensor m = in.normal(ODD_LENGTH), v = in.positive(ODD_LENGTH);
            // Step 3 of lr 1e-3, β = (0.9, 0.999): the bias corrections folded in as the trainer does.
            AdamCoefficients k = new AdamCoefficients((float) (1e-3 / (1 - Math.pow(0.9, 3))), 0.9f, 0.999f,
                    (float) (1 / Math.sqrt(1 - Math.pow(0.999, 3))), 1e-8f);
            be.adamUpdate(param, grad, m, v, k);
            return new OpOutputs().tensor("param", param).tensor("m", m).tensor("v", v);
        });
    }

    private static OpCase perSample(int samples, int per) {
        return new OpCase("combinePerSample, clamp " + samples + "x" + per, (be, in) -> {
            Tensor x = in.normal(samples, per), y = in.normal(samples, per), out = Tensor.zeros(samples, per);
            float[] a = new float[samples], c = new float[samples];
            for (int s = 0; s < samples; s++) {
                a[s] = 0.5f + s;
                c[s] = -0.25f * (s + 1);
            }
            be.combinePerSample(x, a, y, c, out);
            Tensor clamped = Tensor.zeros(samples, per);
            be.clamp(x, -0.5f, 0.75f, clamped);
            return new OpOutputs().tensor("combinePerSample", out).tensor("clamp", clamped);
        });
    }

    private static OpCase reductions(int samples, int per) {
        return new OpCase("losses and reductions " + samples + "x" + per, (be, in) -> {
            Tensor pred = in.normal(samples, per), target = in.normal(samples, per), dpred = in.normal(samples, per);
            be.mseLossBackward(pred, target, 0.5f, dpred);
            double[] perSampleErrors = new double[samples];
            be.meanSquaredErrorPerSample(pred, target, perSampleErrors);
            double[] squares = new double[3];
            be.sumsOfSquares(List.of(pred, target, in.normal(per)), squares);
            return new OpOutputs().tensor("mseLossBackward", dpred)
                    .reduction("mseLoss", be.mseLoss(pred, target))
                    .reduction("meanSquaredErrorPerSample", perSampleErrors)
                    .reduction("sum", be.sum(pred))
                    .reduction("mean", be.mean(pred))
                    .reduction("sumOfSquares", be.sumOfSquares(pred))
                    .reduction("sumsOfSquares", squares);
        });
    }
}
