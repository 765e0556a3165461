package org.ddpm4j.nn;

import java.util.List;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/**
 * GroupNorm followed by SiLU, DDPM's {@code nonlinearity(normalize(h))}, keeping one activation instead of two: the
 * forward ({@link Backend#groupNormSilu}) writes only SiLU's output, and backward
 * ({@link Backend#groupNormSiluBackward}) evaluates SiLU's derivative at the norm's output computed again from the
 * norm's saved input and statistics. The activation it keeps is the one the next convolution needs for its weight
 * gradient anyway.
 */
final class NormSiLU implements Module {
    private final GroupNorm norm;
    private final GradientScratch scratch;
    private Tensor output;

    NormSiLU(GroupNorm norm, GradientScratch scratch) {
        this.norm = norm;
        this.scratch = scratch;
    }

    Tensor forward(Tensor x) {
        output = Buffers.ensure(output, x.shape());
        return norm.forwardThroughSilu(x, output);
    }

    /**
     * The input gradient written into {@code into} (of the input's shape; overwritten), which must not be
     * {@code gradOutput}.
     */
    Tensor backward(Tensor gradOutput, Tensor into) {
        return norm.backwardThroughSilu(gradOutput, into, scratch.other(into.shape(), gradOutput, into));
    }

    @Override
    public List<Parameter> parameters() {
        return norm.parameters();
    }
}
