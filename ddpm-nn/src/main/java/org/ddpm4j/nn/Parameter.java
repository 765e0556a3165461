package org.ddpm4j.nn;

import org.ddpm4j.tensor.Tensor;

/**
 * A trainable tensor with its gradient buffer and a stable hierarchical name ({@code down.0.conv1.weight}), the
 * name it has in checkpoints. Backward passes add into {@link #grad()}; {@link #zeroGrad()} starts a new step.
 */
public final class Parameter {
    private final String name;
    private final Tensor value;
    private final Tensor grad;

    public Parameter(String name, Tensor value) {
        this.name = name;
        this.value = value;
        this.grad = value.zerosLike();
    }

    public String name() {
        return name;
    }

    public Tensor value() {
        return value;
    }

    public Tensor grad() {
        return grad;
    }

    public void zeroGrad() {
        grad.zero();
    }

    @Override
    public String toString() {
        return name + value.shapeString();
    }
}
