package org.ddpm4j.tensor.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GemmTilesTest {
    private static final int H200_COMPUTE_UNITS = 132;

    /** The property as the test JVM was started with it, put back after each test. */
    private String saved;

    @BeforeEach
    void clearProperty() {
        saved = System.clearProperty(GemmTiles.PROPERTY);
    }

    @AfterEach
    void restoreProperty() {
        if (saved == null) {
            System.clearProperty(GemmTiles.PROPERTY);
        } else {
            System.setProperty(GemmTiles.PROPERTY, saved);
        }
    }

    @Test
    void autoTakesTheWideKernelOnlyForProductsWhoseWideTilesFillTheDevice() {
        // A 64->64 3x3 forward at batch 32 on 32x32: m = 64, n = 32768, 512 wide tiles.
        assertTrue(GemmTiles.AUTO.wide(64, 32 * 32 * 32, 1, 64));
        assertFalse(GemmTiles.AUTO.wide(64, 32 * 32 * 32, 1, H200_COMPUTE_UNITS), "512 groups for 528 wanted");
        // At batch 64 there are 1024.
        assertTrue(GemmTiles.AUTO.wide(64, 64 * 32 * 32, 1, H200_COMPUTE_UNITS));
        // 256x256 is 16 wide tiles: enough for 4 compute units, not for 8, unless batched.
        assertTrue(GemmTiles.AUTO.wide(256, 256, 1, 4));
        assertFalse(GemmTiles.AUTO.wide(256, 256, 1, 8));
        assertTrue(GemmTiles.AUTO.wide(256, 256, 2, 8));
    }

    @Test
    void autoKeepsTheNarrowKernelWhereAWideTileWouldBeMostlyPadding() {
        assertFalse(GemmTiles.AUTO.wide(32, 1 << 20, 1, 2), "32 output channels");
        assertFalse(GemmTiles.AUTO.wide(1 << 20, 1, 1, 2), "one column");
    }

    @Test
    void aProductCutAlongItsDepthTakesTheWideKernelWhereItsTilesAreFull() {
        // dW of a 64->64 3x3 convolution: 64 x 576, whatever the device, since the cut makes the groups.
        assertTrue(GemmTiles.AUTO.wideWhenCut(64, 576));
        assertFalse(GemmTiles.AUTO.wideWhenCut(32, 288), "32 output channels");
        assertFalse(GemmTiles.AUTO.wideWhenCut(64, 9), "one input channel");
        assertFalse(GemmTiles.NARROW.wideWhenCut(256, 2304));
        assertTrue(GemmTiles.WIDE.wideWhenCut(1, 9));
    }

    @Test
    void narrowAndWideAreFixed() {
        assertFalse(GemmTiles.NARROW.wide(1 << 12, 1 << 12, 64, 1));
        assertTrue(GemmTiles.WIDE.wide(1, 1, 1, H200_COMPUTE_UNITS));
    }

    @Test
    void thePropertyChoosesAndABadValueIsNamed() {
        assertEquals(GemmTiles.AUTO, GemmTiles.fromProperty());
        System.setProperty(GemmTiles.PROPERTY, " Wide ");
        assertEquals(GemmTiles.WIDE, GemmTiles.fromProperty());
        System.setProperty(GemmTiles.PROPERTY, "huge");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, GemmTiles::fromProperty);
        assertTrue(e.getMessage().contains(GemmTiles.PROPERTY) && e.getMessage().contains("'huge'"), e.getMessage());
    }
}
