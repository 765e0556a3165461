package org.ddpm4j.bench.unet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ddpm4j.nn.AttnBlock;
import org.ddpm4j.nn.ForwardContext;
import org.ddpm4j.nn.ResBlock;
import org.ddpm4j.tensor.AttentionGeometry;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Every block counts its nominal flops whichever ops and paths the engine runs it with. */
class FlopCounterTest {

    @Test
    void aResBlockCountsItsConvolutionsAndItsTimeProjection() {
        int in = 32, out = 64, temb = 128, side = 8, positions = side * side;
        double flops = FlopCounter.count(be -> new ResBlock(be, "block", in, out, temb, 0f, 1e-5f,
                new SplittableRandom(0)).forward(Tensor.zeros(1, in, side, side), Tensor.zeros(1, temb),
                ForwardContext.inference()));
        // conv1 3×3 in→out, conv2 3×3 out→out, the 1×1 shortcut in→out, the time projection temb→out.
        double expected = 2.0 * positions * (9.0 * in * out + 9.0 * out * out + in * out) + 2.0 * temb * out;
        assertEquals(expected, flops, 0);
    }

    @Test
    void aFoldedBlockCountsTheProjectionsItSkips() {
        int b = 32, c = 128, t = 256;
        assertTrue(AttnBlock.folds(b, t, c));
        // qkv (3C²) and projection (C²) per position, QᵀK and P·V (2TC): 2 flops per multiply-add.
        double nominal = 2.0 * b * t * c * (4 * c + 2 * t);
        // The folded block's own two 1×1 convolutions are counted where they run, as convolutions.
        double ranAsConvolutions = 2 * 2.0 * b * t * c * c;
        assertEquals(nominal, FlopCounter.attentionBlockFlops(new AttentionGeometry(b, c, t)) + ranAsConvolutions,
                1e-6 * nominal);
    }

    @Test
    void aBlockAsWrittenCountsTheProductsOnly() {
        int b = 1, c = 128, t = 16;
        assertFalse(AttnBlock.folds(b, t, c));
        assertEquals(4.0 * b * t * t * c, FlopCounter.attentionBlockFlops(new AttentionGeometry(b, c, t)), 0);
    }
}
