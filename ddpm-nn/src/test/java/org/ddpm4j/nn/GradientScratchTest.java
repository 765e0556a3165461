package org.ddpm4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The shared backward buffers: never one that is busy, reused when free, one pool per shape, paths apart. */
class GradientScratchTest {
    @Test
    void aBufferIsNeverOneThatIsStillBeingRead() {
        GradientScratch scratch = new GradientScratch();
        Tensor a = scratch.other(new int[] {2, 3});
        Tensor b = scratch.other(new int[] {2, 3}, a);
        Tensor c = scratch.other(new int[] {2, 3}, a, b);
        assertNotSame(a, b);
        assertNotSame(a, c);
        assertNotSame(b, c);
        assertArrayEquals(new int[] {2, 3}, c.shape());
        // Free again: the same buffers come back, so a step allocates nothing after the first.
        assertSame(a, scratch.other(new int[] {2, 3}, b));
        assertSame(b, scratch.other(new int[] {2, 3}, a, c));
    }

    @Test
    void shapesHaveTheirOwnBuffersAndBusyTensorsOfOtherShapesAreIgnored() {
        GradientScratch scratch = new GradientScratch();
        Tensor wide = scratch.other(new int[] {2, 6});
        Tensor narrow = scratch.other(new int[] {2, 3}, wide);
        assertArrayEquals(new int[] {2, 3}, narrow.shape());
        assertSame(narrow, scratch.other(new int[] {2, 3}, wide, Tensor.zeros(2, 3)));
        assertNotSame(wide, scratch.other(new int[] {3, 4}));
    }

    @Test
    void pathGradientsAreNeverInnerBuffersAndTwoServeAWholePath() {
        GradientScratch scratch = new GradientScratch();
        int[] shape = {2, 3};
        Tensor inner = scratch.other(shape);
        Tensor first = scratch.pathGradient(shape);
        assertNotSame(inner, first);
        assertNotSame(first, scratch.other(shape));
        // Each layer reads the path gradient it was given and writes another: they alternate between two buffers.
        Tensor second = scratch.pathGradient(shape, first);
        assertNotSame(first, second);
        assertSame(first, scratch.pathGradient(shape, second));
        assertSame(second, scratch.pathGradient(shape, first));
        assertNotSame(inner, second);
    }
}
