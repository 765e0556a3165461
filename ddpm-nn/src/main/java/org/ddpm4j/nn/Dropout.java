package org.ddpm4j.nn;

import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/** Inverted dropout, active only in training; its mask seed comes from the {@link ForwardContext} and the layer name. */
public final class Dropout {
    private final Backend be;
    private final String name;
    private final float p;
    private final GradientScratch scratch;
    private boolean active;
    private long seed;
    private Tensor output;
    private Tensor mask;
    private Tensor gradInput;

    public Dropout(Backend be, String name, float p) {
        this(be, name, p, null);
    }

    /**
     * A layer that keeps no mask when {@code scratch} is given: the mask depends only on the seed and each element's
     * index, so backward draws it again into a scratch buffer (dx = dy ⊙ mask is the dropout of dy with the same seed).
     */
    Dropout(Backend be, String name, float p, GradientScratch scratch) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException(name + ": dropout probability must be in [0, 1) but was " + p);
        }
        this.be = be;
        this.name = name;
        this.p = p;
        this.scratch = scratch;
    }

    public Tensor forward(Tensor x, ForwardContext ctx) {
        active = ctx.training() && p > 0f;
        if (!active) {
            return x;
        }
        output = Buffers.ensure(output, x.shape());
        seed = ctx.seedFor(name);
        be.dropout(x, p, seed, output, maskBuffer(x));
        return output;
    }

    /**
     * The dropout of {@code x} written over {@code x} itself, for a caller that no longer needs its input (a U-Net
     * block, whose norm computes its output again in backward); returns {@code x}.
     */
    Tensor forwardInPlace(Tensor x, ForwardContext ctx) {
        active = ctx.training() && p > 0f;
        if (active) {
            seed = ctx.seedFor(name);
            be.dropout(x, p, seed, x, maskBuffer(x));
        }
        return x;
    }

    /** With scratch the mask written here is not kept: backward draws it again. */
    private Tensor maskBuffer(Tensor x) {
        return scratch != null ? scratch.other(x.shape(), x) : (mask = Buffers.ensure(mask, x.shape()));
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
        if (scratch != null) {
            be.dropout(gradOutput, p, seed, into, scratch.other(into.shape(), gradOutput, into));
        } else {
            be.dropoutBackward(gradOutput, mask, into.zero());
        }
        return into;
    }
}
