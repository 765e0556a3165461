package org.ddpm4j.nn;

import org.ddpm4j.tensor.Tensor;

/**
 * Activation and gradient buffers that are allocated once per input shape and reused from step to step, so a
 * training step does not produce garbage in proportion to its activations.
 */
final class Buffers {
    private Buffers() {
    }

    /** {@code current} if it already has {@code shape}, else a new zero tensor of that shape. */
    static Tensor ensure(Tensor current, int... shape) {
        return current != null && current.hasShape(shape) ? current : Tensor.zeros(shape);
    }

    /** Like {@link #ensure}, zero-filled: for gradient buffers that backward passes accumulate into. */
    static Tensor ensureZeroed(Tensor current, int... shape) {
        return current != null && current.hasShape(shape) ? current.zero() : Tensor.zeros(shape);
    }
}
