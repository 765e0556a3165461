package org.ddpm4j.nn;

import java.util.List;
import java.util.random.RandomGenerator;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/** A fully connected layer {@code y = x·Wᵀ + b}: parameters {@code <name>.weight [out, in]}, {@code <name>.bias [out]}. */
public final class Linear implements Module {
    private final Backend be;
    private final Parameter weight;
    private final Parameter bias;
    private Tensor input;
    private Tensor output;
    private Tensor gradInput;

    /** The parameters of a layer of these sizes: its weight and its bias. */
    static long parameterCount(int in, int out) {
        return (long) out * in + out;
    }

    public Linear(Backend be, String name, int in, int out, double initScale, RandomGenerator rng) {
        this.be = be;
        this.weight = new Parameter(name + ".weight", Tensor.zeros(out, in));
        this.bias = new Parameter(name + ".bias", Tensor.zeros(out));
        if (initScale > 0) {
            Init.fanAvgUniform(weight.value(), initScale, rng);
        }
    }

    public Tensor forward(Tensor x) {
        input = x;
        output = Buffers.ensure(output, x.dim(0), weight.value().dim(0));
        be.linear(x, weight.value(), bias.value(), output);
        return output;
    }

    /** Adds the parameter gradients and returns the input gradient (owned by this layer). */
    public Tensor backward(Tensor gradOutput) {
        gradInput = Buffers.ensureZeroed(gradInput, input.shape());
        be.linearBackward(input, weight.value(), gradOutput, gradInput, weight.grad(), bias.grad());
        return gradInput;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }
}
