package org.ddpm4j.diffusion;

import java.util.List;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.nn.ForwardContext;
import org.ddpm4j.nn.Parameter;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;

/** A "network" whose output is a free tensor, for checking a loss's gradient: the gradient lands in {@link #grad}. */
class FreeOutput implements Denoiser {
    private static final Backend SCALAR = new ScalarBackend();
    final Tensor out;
    final Tensor grad;

    FreeOutput(Tensor out) {
        this.out = out;
        this.grad = out.zerosLike();
    }

    @Override
    public Tensor forward(Tensor x, int[] t, int[] labels, ForwardContext ctx) {
        return out;
    }

    @Override
    public Backend backend() {
        return SCALAR;
    }

    @Override
    public void backward(Tensor g) {
        grad.copyFrom(g);
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }
}
