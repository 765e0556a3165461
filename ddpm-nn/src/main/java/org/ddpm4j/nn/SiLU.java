package org.ddpm4j.nn;

import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/** The SiLU (swish) activation {@code x·σ(x)}, DDPM's nonlinearity. */
public final class SiLU {
    private final Backend be;
    private Tensor input;
    private Tensor output;
    private Tensor gradInput;

    public SiLU(Backend be) {
        this.be = be;
    }

    public Tensor forward(Tensor x) {
        input = x;
        output = Buffers.ensure(output, x.shape());
        be.silu(x, output);
        return output;
    }

    public Tensor backward(Tensor gradOutput) {
        gradInput = Buffers.ensureZeroed(gradInput, input.shape());
        be.siluBackward(input, gradOutput, gradInput);
        return gradInput;
    }
}
