package org.ddpm4j.bench.unet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ddpm4j.nn.AttnBlock;
import org.ddpm4j.tensor.AttentionGeometry;
import org.junit.jupiter.api.Test;

/** The attention block counts the same nominal flops whichever path the engine takes. */
class FlopCounterTest {

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
