package org.ddpm4j.nn;

import java.util.List;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/**
 * GroupNorm followed by SiLU, DDPM's {@code nonlinearity(normalize(h))}, keeping one activation instead of two: the
 * SiLU runs in place on the norm's output, and backward computes that output again from the norm's saved input and
 * statistics (one more GroupNorm forward per step) to evaluate SiLU's derivative there. The activation it keeps is
 * the one the next convolution needs for its weight gradient anyway.
 */
final class NormSiLU implements Module {
    private final Backend be;
    private final GroupNorm norm;
    private final GradientScratch scratch;
    private Tensor output;

    NormSiLU(Backend be, GroupNorm norm, GradientScratch scratch) {
        this.be = be;
        this.norm = norm;
        this.scratch = scratch;
    }

    Tensor forward(Tensor x) {
        output = Buffers.ensure(output, x.shape());
        norm.forward(x, output);
        be.silu(output, output);
        return output;
    }

    /**
     * The input gradient written into {@code into} (of the input's shape; overwritten, and used on the way as the
     * buffer for the recomputed norm output), which must not be {@code gradOutput}.
     */
    Tensor backward(Tensor gradOutput, Tensor into) {
        Tensor normed = norm.recomputeOutput(into);
        Tensor gradNormed = scratch.other(normed.shape(), gradOutput, into).zero();
        be.siluBackward(normed, gradOutput, gradNormed);
        return norm.backward(gradNormed, into);
    }

    @Override
    public List<Parameter> parameters() {
        return norm.parameters();
    }
}
