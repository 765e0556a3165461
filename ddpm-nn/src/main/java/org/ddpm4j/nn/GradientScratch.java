package org.ddpm4j.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ddpm4j.tensor.Tensor;

/**
 * Buffers that the blocks of one network share for what lives only inside one block's backward: the gradients of
 * the chain conv → dropout → SiLU → GroupNorm → conv → ..., and the dropout mask, which is drawn again from its
 * seed instead of being kept from the forward pass. Backward runs one block at a time, and each stage reads only
 * what the stage before it wrote, so a few buffers of each shape serve every stage of every block: a stage asks for
 * one that is none of those it is still reading. What a block returns, and what a network passes between blocks, is
 * never one of these buffers: it must outlive the next block's backward.
 */
final class GradientScratch {
    private final Map<List<Integer>, List<Tensor>> byShape = new HashMap<>();

    /**
     * A buffer of {@code shape} that is none of {@code busy} (nulls and tensors of other shapes are ignored); its
     * contents are unspecified.
     */
    Tensor other(int[] shape, Tensor... busy) {
        List<Tensor> pool = byShape.computeIfAbsent(Arrays.stream(shape).boxed().toList(), k -> new ArrayList<>());
        for (Tensor t : pool) {
            if (!isAny(t, busy)) {
                return t;
            }
        }
        Tensor fresh = Tensor.zeros(shape);
        pool.add(fresh);
        return fresh;
    }

    private static boolean isAny(Tensor t, Tensor[] busy) {
        for (Tensor b : busy) {
            if (t == b) {
                return true;
            }
        }
        return false;
    }
}
