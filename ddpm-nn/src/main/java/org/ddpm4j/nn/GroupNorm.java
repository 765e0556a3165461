package org.ddpm4j.nn;

import java.util.List;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/** Group normalisation with a per-channel affine map: parameters {@code <name>.weight} (γ, ones) and {@code <name>.bias} (β). */
public final class GroupNorm implements Module {
    /** DDPM normalises in 32 groups. */
    public static final int DEFAULT_GROUPS = 32;
    /** PyTorch's default ε. */
    public static final float DEFAULT_EPS = 1e-5f;

    private final Backend be;
    private final int groups;
    private final float eps;
    private final Parameter gamma;
    private final Parameter beta;
    private Tensor input;
    private Tensor output;
    private Tensor mean;
    private Tensor rstd;
    private Tensor gradInput;

    /** The parameters of a layer over {@code channels}: a scale and a shift per channel. */
    static long parameterCount(int channels) {
        return 2L * channels;
    }

    /** With PyTorch's default ε. */
    public GroupNorm(Backend be, String name, int channels, int groups) {
        this(be, name, channels, groups, DEFAULT_EPS);
    }

    /** With ε {@code eps} added to each group's variance. */
    public GroupNorm(Backend be, String name, int channels, int groups, float eps) {
        if (!(eps > 0)) {
            throw new IllegalArgumentException(name + ": GroupNorm eps must be positive, got " + eps);
        }
        if (channels % groups != 0) {
            throw new IllegalArgumentException(name + ": " + channels + " channels do not split into " + groups + " groups");
        }
        this.be = be;
        this.groups = groups;
        this.eps = eps;
        this.gamma = new Parameter(name + ".weight", Tensor.zeros(channels).fill(1f));
        this.beta = new Parameter(name + ".bias", Tensor.zeros(channels));
    }

    public Tensor forward(Tensor x) {
        output = Buffers.ensure(output, x.shape());
        return forward(x, output);
    }

    /** The output written into {@code into} (of x's shape, not x) instead of the layer's own buffer. */
    public Tensor forward(Tensor x, Tensor into) {
        keepForBackward(x);
        be.groupNorm(x, gamma.value(), beta.value(), groups, eps, into, mean, rstd);
        return into;
    }

    /** {@code silu(norm(x))} written into {@code into} (of x's shape, not x), the norm's output not kept. */
    Tensor forwardThroughSilu(Tensor x, Tensor into) {
        keepForBackward(x);
        be.groupNormSilu(x, gamma.value(), beta.value(), groups, eps, into, mean, rstd);
        return into;
    }

    /** The input, and buffers for the statistics the forward op writes: what backward reads. */
    private void keepForBackward(Tensor x) {
        input = x;
        mean = Buffers.ensure(mean, x.dim(0), groups);
        rstd = Buffers.ensure(rstd, x.dim(0), groups);
    }

    /**
     * The input gradient of {@code silu(norm(x))} for the last forward's x ({@link #forwardThroughSilu}), written into
     * {@code into} (of the input's shape, not {@code gradOutput}), from the gradient of the SiLU's output.
     * {@code work} (the input's shape) is overwritten.
     */
    Tensor backwardThroughSilu(Tensor gradOutput, Tensor into, Tensor work) {
        be.groupNormSiluBackward(input, gamma.value(), beta.value(), groups, eps, mean, rstd, gradOutput, into,
                gamma.grad(), beta.grad(), work);
        return into;
    }

    public Tensor backward(Tensor gradOutput) {
        gradInput = Buffers.ensure(gradInput, input.shape());
        return backward(gradOutput, gradInput);
    }

    /** The input gradient written into {@code into} (overwritten; not {@code gradOutput}), of the input's shape. */
    public Tensor backward(Tensor gradOutput, Tensor into) {
        be.groupNormBackward(input, gamma.value(), mean, rstd, gradOutput, groups, into, gamma.grad(),
                beta.grad());
        return into;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(gamma, beta);
    }
}
