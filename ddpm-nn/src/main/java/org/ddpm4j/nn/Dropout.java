package org.ddpm4j.nn;

import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/** Inverted dropout, active only in training; its mask seed comes from the {@link ForwardContext} and the layer name. */
public final class Dropout {
    private final Backend be;
    private final String name;
    private final float p;
    private boolean active;
    private Tensor output;
    private Tensor mask;
    private Tensor gradInput;

    public Dropout(Backend be, String name, float p) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException(name + ": dropout probability must be in [0, 1) but was " + p);
        }
        this.be = be;
        this.name = name;
        this.p = p;
    }

    public Tensor forward(Tensor x, ForwardContext ctx) {
        active = ctx.training() && p > 0f;
        if (!active) {
            return x;
        }
        output = Buffers.ensure(output, x.shape());
        mask = Buffers.ensure(mask, x.shape());
        be.dropout(x, p, ctx.seedFor(name), output, mask);
        return output;
    }

    public Tensor backward(Tensor gradOutput) {
        if (!active) {
            return gradOutput;
        }
        gradInput = Buffers.ensure(gradInput, gradOutput.shape());
        return backward(gradOutput, gradInput);
    }

    /**
     * The input gradient written into {@code into} (overwritten; not {@code gradOutput}). Inactive (sampling, or
     * p = 0), the layer was the identity and {@code gradOutput} itself is returned, {@code into} untouched.
     */
    public Tensor backward(Tensor gradOutput, Tensor into) {
        if (!active) {
            return gradOutput;
        }
        be.dropoutBackward(gradOutput, mask, into.zero());
        return into;
    }
}
