package org.ddpm4j.nn;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ddpm4j.tensor.Tensor;

/**
 * Gradient buffers that the blocks of one network share for the gradients that live only inside a block's backward
 * (the chain conv → dropout → SiLU → GroupNorm → conv → ...). Backward runs one block at a time, and each stage of the
 * chain reads only the gradient the stage before it wrote, so two buffers of each shape serve every stage of every
 * block: a stage writes into the one it does not read. What a block returns, and what a network passes between
 * blocks, is never one of these buffers: it must outlive the next block's backward.
 */
final class GradientScratch {
    private final Map<List<Integer>, Tensor[]> pairs = new HashMap<>();

    /**
     * A buffer of {@code shape} that is not {@code reading} (which may be null or of another shape); its contents are
     * unspecified.
     */
    Tensor other(Tensor reading, int... shape) {
        Tensor[] pair = pairs.computeIfAbsent(Arrays.stream(shape).boxed().toList(), k -> new Tensor[2]);
        int slot = pair[0] == reading ? 1 : 0;
        if (pair[slot] == null) {
            pair[slot] = Tensor.zeros(shape);
        }
        return pair[slot];
    }
}
