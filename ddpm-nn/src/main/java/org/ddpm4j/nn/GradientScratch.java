package org.ddpm4j.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ddpm4j.tensor.Tensor;

/**
 * Buffers that the blocks of one network share for their backward passes, in two pools.
 *
 * <p>Inner gradients ({@link #other}): what lives only inside one block's backward, the gradients of the chain
 * conv → dropout → SiLU → GroupNorm → conv → ..., and the dropout mask, which is drawn again from its seed instead of
 * being kept from the forward pass. Backward runs one block at a time, and each stage reads only what the stage before
 * it wrote, so a few buffers of each shape serve every stage of every block: a stage asks for one that is none of
 * those it is still reading.
 *
 * <p>Path gradients ({@link #pathGradient}): what a layer returns, and what the network passes from one layer to the
 * next. Each is read only by the next layer's backward, which writes its own into another, so two of each shape serve
 * the whole path. They have a pool of their own because a block hands out inner buffers while the path gradient it
 * was given is still being read.
 */
final class GradientScratch {
    private final Map<List<Integer>, List<Tensor>> inner = new HashMap<>();
    private final Map<List<Integer>, List<Tensor>> path = new HashMap<>();

    /**
     * An inner buffer of {@code shape} that is none of {@code busy} (nulls and tensors of other shapes are ignored);
     * its contents are unspecified.
     */
    Tensor other(int[] shape, Tensor... busy) {
        return free(inner, shape, busy);
    }

    /**
     * A path gradient of {@code shape} that is none of {@code busy}, never one of the inner buffers; its contents are
     * unspecified. It is valid until the network's next layer asks for a path gradient of the same shape with it not
     * busy: the caller passes the gradient it is reading.
     */
    Tensor pathGradient(int[] shape, Tensor... busy) {
        return free(path, shape, busy);
    }

    private static Tensor free(Map<List<Integer>, List<Tensor>> byShape, int[] shape, Tensor[] busy) {
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
