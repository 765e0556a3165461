package org.ddpm4j.nn;

import java.util.List;
import java.util.random.RandomGenerator;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Conv2dSpec;
import org.ddpm4j.tensor.Tensor;

/** A 2-D convolution layer with bias: parameters {@code <name>.weight [out, in, k, k]} and {@code <name>.bias [out]}. */
public final class Conv2d implements Module {
    private final Backend be;
    private final Conv2dSpec spec;
    private final Parameter weight;
    private final Parameter bias;
    private Tensor input;
    private Tensor output;
    private Tensor gradInput;

    /** The parameters of a layer of these sizes: its weight and its bias. */
    static long parameterCount(int in, int out, Conv2dSpec spec) {
        return (long) out * in * spec.kernel() * spec.kernel() + out;
    }

    /**
     * @param initScale the DDPM variance-scaling factor: 1 for ordinary layers, 0 for the last convolution of a
     *                  residual branch (the block starts as the identity)
     */
    public Conv2d(Backend be, String name, int in, int out, Conv2dSpec spec, double initScale, RandomGenerator rng) {
        this.be = be;
        this.spec = spec;
        this.weight = new Parameter(name + ".weight", Tensor.zeros(out, in, spec.kernel(), spec.kernel()));
        this.bias = new Parameter(name + ".bias", Tensor.zeros(out));
        if (initScale > 0) {
            Init.fanAvgUniform(weight.value(), initScale, rng);
        }
    }

    public Tensor forward(Tensor x) {
        output = Buffers.ensure(output, outputShape(x));
        return forward(x, output);
    }

    /**
     * The output written into {@code into} instead of the layer's own buffer (a block that adds a residual to it
     * keeps no second copy); {@code into} must have the output's shape and must not be {@code x}.
     */
    public Tensor forward(Tensor x, Tensor into) {
        input = x;
        be.conv2d(x, weight.value(), bias.value(), spec, into);
        return into;
    }

    /**
     * The output plus a per-sample channel shift ({@code [N, out]}) and a residual, either of them null
     * ({@link Backend#conv2dPlus}): into {@code into} when it is given, else into the layer's own buffer.
     */
    public Tensor forwardPlus(Tensor x, Tensor shift, Tensor residual, Tensor into) {
        Tensor out = into;
        if (out == null) {
            output = Buffers.ensure(output, outputShape(x));
            out = output;
        }
        input = x;
        be.conv2dPlus(x, weight.value(), bias.value(), spec, shift, residual, out);
        return out;
    }

    /** The output's shape for input {@code x}. */
    public int[] outputShape(Tensor x) {
        return new int[] {x.dim(0), weight.value().dim(0), spec.outSize(x.dim(2)), spec.outSize(x.dim(3))};
    }

    /**
     * Adds the weight and bias gradients and returns the input gradient (a buffer owned by this layer), or null when
     * {@code needInputGradient} is false (the first layer: only the weight gradient is computed).
     */
    public Tensor backward(Tensor gradOutput, boolean needInputGradient) {
        if (needInputGradient) {
            gradInput = Buffers.ensureZeroed(gradInput, input.shape());
        }
        be.conv2dBackward(input, weight.value(), gradOutput, spec, needInputGradient ? gradInput : null,
                weight.grad(), bias.grad());
        return needInputGradient ? gradInput : null;
    }

    /**
     * Adds the weight and bias gradients and writes the input gradient into {@code into} (any contents; it is
     * overwritten), which must have the last input's shape and must not be {@code gradOutput}.
     */
    public Tensor backward(Tensor gradOutput, Tensor into) {
        be.conv2dBackward(input, weight.value(), gradOutput, spec, into.zero(), weight.grad(), bias.grad());
        return into;
    }

    /** The shape of the last forward's input: the input gradient's. */
    public int[] inputShape() {
        return input.shape();
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }
}
