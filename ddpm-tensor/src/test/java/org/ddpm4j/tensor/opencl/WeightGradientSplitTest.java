package org.ddpm4j.tensor.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.ddpm4j.tensor.Conv2dSpec;
import org.ddpm4j.tensor.OpenClTestDevice;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;
import org.ddpm4j.tensor.check.Tolerance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The weight gradient's cut along its inner dimension: which products are cut and how (on paper, for any device),
 * and a cut product on this machine's OpenCL device against the scalar reference, added into a dw that already
 * holds values.
 */
class WeightGradientSplitTest {
    /** An H200's streaming multiprocessors, as OpenCL reports them in compute units. */
    private static final int GPU_COMPUTE_UNITS = 132;
    private static OpenClBackend backend;

    @AfterAll
    static void stop() {
        if (backend != null) {
            backend.shutdown();
        }
    }

    @ParameterizedTest(name = "{0}x{1} over {2} steps on {3} compute units, tiles of {4}")
    @CsvSource({
            // the U-Net's 3x3 convolutions at batch 32 on a GPU: 32x32, 16x16 and 8x8 planes
            "64, 576, 32768, 132, 32", "128, 1152, 8192, 132, 32", "256, 2304, 2048, 132, 32",
            "64, 576, 32768, 132, 64", "128, 1152, 8192, 132, 64", "256, 2304, 2048, 132, 64",
            // shapes that do not fill a slice evenly, and a two-core CPU device
            "3, 9, 640, 2, 32", "5, 27, 1000, 2, 32", "64, 576, 32768, 2, 32", "1, 1, 100000, 16, 32",
            "5, 27, 1000, 2, 64"})
    void theSlicesCoverTheInnerDimensionOnceInWholePanels(int m, int n, int k, int computeUnits, int tile) {
        WeightGradientSplit split = WeightGradientSplit.of(m, n, k, computeUnits, tile);
        assertTrue(split.splits() >= 1, "at least one slice: " + split);
        assertTrue((long) split.splits() * split.depth() >= k, "the slices reach the end: " + split);
        assertTrue((long) (split.splits() - 1) * split.depth() < k, "no empty slice: " + split);
        if (split.splits() > 1) {
            assertEquals(0, split.depth() % ImplicitGemmKernel.DEPTH, "whole panels: " + split);
            assertTrue(split.depth() >= WeightGradientSplit.MIN_DEPTH, "no slice below the minimum: " + split);
        } else {
            assertEquals(k, split.depth(), "one slice is the whole product: " + split);
        }
    }

    @Test
    void aDeepProductWithFewTilesIsCutUntilTheDeviceHasGroupsEnoughToRun() {
        // 64->64 3x3 at batch 32 on 32x32 planes: 2 x 18 narrow tiles of dw (1 x 9 wide), 32 768 steps deep.
        for (int tile : new int[] {ImplicitGemmKernel.TILE, WideTileGemmKernel.WIDE_TILE}) {
            WeightGradientSplit split = WeightGradientSplit.of(64, 576, 32 * 32 * 32, GPU_COMPUTE_UNITS, tile);
            int tiles = (64 / tile) * (576 / tile);
            assertTrue((long) split.splits() * tiles >= (long) WeightGradientSplit.GROUPS_PER_COMPUTE_UNIT
                    * GPU_COMPUTE_UNITS, "groups for every compute unit: " + split);
            assertTrue(split.partialSize(64, 576) <= 2L * WeightGradientSplit.GROUPS_PER_COMPUTE_UNIT
                    * GPU_COMPUTE_UNITS * tile * tile, "partials bounded by the groups wanted, not by the depth: "
                    + split);
        }
    }

    @Test
    void productsThatFillTheDeviceOrAreShallowAreNotCut() {
        // 256->256 at batch 64 on 8x8 planes: 8 x 72 tiles, more than four per compute unit of a two-core device.
        assertEquals(1, WeightGradientSplit.of(256, 2304, 64 * 64, 2, ImplicitGemmKernel.TILE).splits());
        // Deep enough for one minimum slice only.
        assertEquals(1, WeightGradientSplit.of(3, 9, 2 * WeightGradientSplit.MIN_DEPTH - 1, GPU_COMPUTE_UNITS,
                ImplicitGemmKernel.TILE).splits());
    }

    @Test
    void aCutWeightGradientOnTheDeviceMatchesTheReference() {
        backend = OpenClTestDevice.backendOrSkip();
        assertCutMatchesReference(backend, ImplicitGemmKernel.TILE);
    }

    @Test
    void aCutWeightGradientOnTheWideKernelMatchesTheReference() {
        OpenClBackend wide = OpenClTestDevice.backendOrSkip(WideTileBackend::create);
        try {
            assertCutMatchesReference(wide, WideTileGemmKernel.WIDE_TILE);
        } finally {
            wide.shutdown();
        }
    }

    private static void assertCutMatchesReference(OpenClBackend backend, int tile) {
        // 3 -> 4 channels, 3x3, 4 images of 32x32: one tile of dw, 4096 steps deep.
        int n = 4, cin = 3, cout = 4, side = 32;
        WeightGradientSplit split = WeightGradientSplit.of(cout, cin * 9, n * side * side, backend.threads(), tile);
        assertTrue(split.splits() > 1, "this product is cut on " + backend.describe() + ": " + split);
        SplittableRandom rng = new SplittableRandom(17);
        Conv2dSpec spec = Conv2dSpec.same3x3();
        Tensor x = uniform(rng, n, cin, side, side), w = uniform(rng, cout, cin, 3, 3);
        Tensor dy = uniform(rng, n, cout, side, side);
        Tensor expected = uniform(rng, cout, cin, 3, 3), actual = expected.copy();
        ScalarBackend reference = new ScalarBackend();
        // Twice into the same dw: each call adds its own slices' partials, none of the last call's.
        for (String call : new String[] {"first call", "second call"}) {
            reference.conv2dBackward(x, w, dy, spec, null, expected, null);
            backend.conv2dBackward(x, w, dy, spec, null, actual, null);
            assertWithin(expected.toArray(), actual.toArray(), call);
        }
    }

    private static Tensor uniform(SplittableRandom rng, int... shape) {
        float[] values = new float[Math.toIntExact(Tensor.elementCount(shape))];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) rng.nextDouble(-1, 1);
        }
        return Tensor.of(values, shape);
    }

    private static void assertWithin(float[] expected, float[] actual, String call) {
        double largest = 0;
        for (float e : expected) {
            largest = Math.max(largest, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            double used = Tolerance.CONVOLUTION.fractionUsed(expected[i], actual[i], largest);
            if (!(used <= 1)) {
                fail(call + ", dw[" + i + "]: expected " + expected[i] + " but was " + actual[i]);
            }
        }
    }
}
