package org.ddpm4j.bench.kernels;

import java.util.SplittableRandom;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Conv2dSpec;
import org.ddpm4j.tensor.Tensor;

/**
 * The work of one {@link KernelCase} on a backend, with all buffers allocated up front: what the JMH benchmark
 * times. The attention case is the whole DDPM attention block, as in the PyTorch peer: GroupNorm(32) → 1×1 qkv
 * convolution → softmax(QᵀK/√C)·V → 1×1 projection → residual add.
 */
public final class KernelWorkload {
    private static final int GROUPS = 32;
    private static final float EPS = 1e-5f;

    private final Backend be;
    private final KernelCase kernelCase;
    private final Runnable call;

    public KernelWorkload(Backend be, KernelCase kernelCase) {
        this.be = be;
        this.kernelCase = kernelCase;
        int[] d = kernelCase.dims();
        this.call = switch (kernelCase.section()) {
            case "conv" -> conv(d[0], d[1], d[2], d[3], kernelCase.mode());
            case "gn" -> groupNorm(d[0], d[1], d[2], d[3], kernelCase.mode().equals("fwd+bwd"));
            case "attn" -> attentionBlock(d[0], d[1], d[2] * d[3], kernelCase.mode().equals("fwd+bwd"));
            default -> throw new IllegalArgumentException(kernelCase.section());
        };
    }

    public KernelCase kernelCase() {
        return kernelCase;
    }

    /** One timed call. */
    public void run() {
        call.run();
        be.finish();
    }

    private Runnable conv(int n, int cin, int cout, int hw, String mode) {
        Conv2dSpec spec = Conv2dSpec.same3x3();
        Tensor x = normal(n, cin, hw, hw), w = convInit(cout, cin, 3), b = biasInit(cout, cin * 9);
        Tensor y = Tensor.zeros(n, cout, hw, hw), dy = normal(n, cout, hw, hw);
        Tensor dx = x.zerosLike(), dw = w.zerosLike(), db = b.zerosLike();
        return switch (mode) {
            case "fwd" -> () -> be.conv2d(x, w, b, spec, y);
            case "fwd+bwd" -> () -> {
                be.conv2d(x, w, b, spec, y);
                be.conv2dBackward(x, w, dy, spec, dx, dw, db);
            };
            case "fwd+bwd(w)" -> () -> {
                be.conv2d(x, w, b, spec, y);
                be.conv2dBackward(x, w, dy, spec, null, dw, db);
            };
            default -> throw new IllegalArgumentException("conv mode " + mode);
        };
    }

    private Runnable groupNorm(int n, int c, int h, int w, boolean backward) {
        Tensor x = normal(n, c, h, w), gamma = Tensor.zeros(c).fill(1f), beta = Tensor.zeros(c);
        Tensor y = x.zerosLike(), dy = normal(n, c, h, w);
        Tensor mean = Tensor.zeros(n, GROUPS), rstd = Tensor.zeros(n, GROUPS);
        Tensor dx = x.zerosLike(), dg = gamma.zerosLike(), dbeta = beta.zerosLike();
        return () -> {
            be.groupNorm(x, gamma, beta, GROUPS, EPS, y, mean, rstd);
            if (backward) {
                be.groupNormBackward(x, gamma, mean, rstd, dy, GROUPS, dx, dg, dbeta);
            }
        };
    }

    private Runnable attentionBlock(int b, int c, int t, boolean backward) {
        Conv2dSpec pointwise = Conv2dSpec.pointwise();
        int side = (int) Math.round(Math.sqrt(t));
        Tensor x = normal(b, c, side, side), gamma = Tensor.zeros(c).fill(1f), beta = Tensor.zeros(c);
        Tensor wQkv = convInit(3 * c, c, 1), bQkv = biasInit(3 * c, c), wProj = convInit(c, c, 1), bProj = biasInit(c, c);
        Tensor h = x.zerosLike(), mean = Tensor.zeros(b, GROUPS), rstd = Tensor.zeros(b, GROUPS);
        Tensor qkv = Tensor.zeros(b, 3 * c, side, side), att = x.zerosLike(), probs = Tensor.zeros(b, t, t);
        Tensor proj = x.zerosLike(), out = x.zerosLike(), dout = normal(b, c, side, side);
        Tensor dAtt = x.zerosLike(), dQkv = qkv.zerosLike(), dh = x.zerosLike(), dx = x.zerosLike();
        Tensor dwQkv = wQkv.zerosLike(), dbQkv = bQkv.zerosLike(), dwProj = wProj.zerosLike(), dbProj = bProj.zerosLike();
        Tensor dGamma = gamma.zerosLike(), dBeta = beta.zerosLike();
        return () -> {
            be.groupNorm(x, gamma, beta, GROUPS, EPS, h, mean, rstd);
            be.conv2d(h, wQkv, bQkv, pointwise, qkv);
            be.attention(qkv, att, probs);
            be.conv2d(att, wProj, bProj, pointwise, proj);
            be.add(x, proj, out);
            if (backward) {
                // out = x + proj(att(qkv(gn(x)))): gradients flow back through each op in reverse, and the skip's
                // gradient dout is added to the norm's.
                dAtt.zero();
                be.conv2dBackward(att, wProj, dout, pointwise, dAtt, dwProj, dbProj);
                dQkv.zero();
                be.attentionBackward(qkv, probs, dAtt, dQkv);
                dh.zero();
                be.conv2dBackward(h, wQkv, dQkv, pointwise, dh, dwQkv, dbQkv);
                be.groupNormBackward(x, gamma, mean, rstd, dh, GROUPS, dx, dGamma, dBeta);
                be.axpy(1f, dout, dx);
            }
        };
    }

    private static final SplittableRandom RNG = new SplittableRandom(0);

    /** Standard normal inputs, as {@code torch.randn} in the PyTorch peer. */
    private static Tensor normal(int... shape) {
        float[] d = new float[Math.toIntExact(Tensor.elementCount(shape))];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) RNG.nextGaussian();
        }
        return Tensor.of(d, shape);
    }

    /** PyTorch's default Conv2d weight init: U(−1/√fan_in, 1/√fan_in) (kaiming uniform with a = √5). */
    private static Tensor convInit(int cout, int cin, int k) {
        return uniform(1 / Math.sqrt(cin * k * k), cout, cin, k, k);
    }

    private static Tensor biasInit(int cout, int fanIn) {
        return uniform(1 / Math.sqrt(fanIn), cout);
    }

    private static Tensor uniform(double bound, int... shape) {
        float[] d = new float[Math.toIntExact(Tensor.elementCount(shape))];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) ((RNG.nextDouble() * 2 - 1) * bound);
        }
        return Tensor.of(d, shape);
    }
}
