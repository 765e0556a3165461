package org.ddpm4j.bench.kernels;

import java.util.SplittableRandom;
import org.ddpm4j.nn.AttnBlock;
import org.ddpm4j.nn.ForwardContext;
import org.ddpm4j.nn.Parameter;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Conv2dSpec;
import org.ddpm4j.tensor.Tensor;

/**
 * The work of one {@link KernelCase} on a backend, with all buffers allocated up front: what the JMH benchmark
 * times. The attention case is the whole DDPM attention block, as in the PyTorch peer: GroupNorm(32) → 1×1 qkv
 * convolution → softmax(QᵀK/√C)·V → 1×1 projection → residual add, run by the U-Net's own layer ({@link AttnBlock}),
 * forward and backward, the way the network runs it.
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
            case "conv" -> conv(d[0], d[1], d[2], d[3], Conv2dSpec.same3x3(), kernelCase.mode());
            case "convs" -> conv(d[0], d[1], d[2], d[3], new Conv2dSpec(d[4], d[5], d[4] / 2), kernelCase.mode());
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

    private Runnable conv(int n, int cin, int cout, int hw, Conv2dSpec spec, String mode) {
        int k = spec.kernel(), out = spec.outSize(hw);
        Tensor x = normal(n, cin, hw, hw), w = convInit(cout, cin, k), b = biasInit(cout, cin * k * k);
        Tensor y = Tensor.zeros(n, cout, out, out), dy = normal(n, cout, out, out);
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
        int side = (int) Math.round(Math.sqrt(t));
        AttnBlock block = new AttnBlock(be, "attn", c, EPS, new SplittableRandom(0));
        // The peer's stock modules start from PyTorch's default init; the DDPM block's projection would start at zero.
        for (Parameter p : block.parameters()) {
            if (p.name().startsWith("attn.qkv.") || p.name().startsWith("attn.proj.")) {
                p.value().copyFrom(uniform(1 / Math.sqrt(c), p.value().shape()).toArray());
            }
        }
        Tensor x = normal(b, c, side, side), dout = normal(b, c, side, side);
        return () -> {
            block.forward(x, null, backward ? ForwardContext.training(0L) : ForwardContext.inference());
            if (backward) {
                block.backward(dout, null);
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
