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

    /** A parameter holding {@code value} (not copied) and a zero gradient of its shape. */
    public Parameter(String name, Tensor value) {
        this.name = name;
        this.value = value;
        this.grad = value.zerosLike();
    }

    /** Its hierarchical name, e.g. {@code down.0.conv1.weight}: the key in checkpoints. */
    public String name() {
        return name;
    }

    /** The weights, updated in place by optimisers. */
    public Tensor value() {
        return value;
    }

    /** The accumulated gradient (backward passes add to it). */
    public Tensor grad() {
        return grad;
    }

    /** Sets the gradient to zero. */
    public void zeroGrad() {
        grad.zero();
    }

    @Override
    public String toString() {
        return name + value.shapeString();
    }
}
