package org.ddpm4j.bench.unet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.ddpm4j.nn.UNetConfig;
import org.junit.jupiter.api.Test;

/** The U-Net benchmark's cases run the networks they name, and tell the PyTorch peer the same ones. */
class UNetCaseTest {

    @Test
    void theCifar10CasesRunDdpmsCifar10NetworkAndTellThePeerItsShape() {
        List<UNetCase> cases = UNetCase.of(UNetCase.CIFAR10);
        assertEquals(List.of("cifar10 train B32", "cifar10 sample-fwd B64"),
                cases.stream().map(UNetCase::name).toList());
        for (UNetCase c : cases) {
            UNetConfig config = c.config();
            assertEquals(3, config.imageChannels());
            assertEquals(128, config.channels());
            assertArrayEquals(new int[] {1, 2, 2, 2}, config.channelMult());
            // DDPM's CIFAR-10 model, Ho et al. 2020, Appendix B: 35.7 million parameters.
            assertEquals(35.7e6, config.parameterCount(), 0.05e6);
            assertArrayEquals(new int[] {128, c.batch(), 3, 1, 2, 2, 2}, c.peerDims());
        }
    }

    @Test
    void theSmallCasesKeepThePeersTwoDims() {
        for (UNetCase c : UNetCase.of(UNetCase.SMALL)) {
            assertEquals(1, c.config().imageChannels());
            assertArrayEquals(new int[] {1, 2, 2}, c.config().channelMult());
            assertArrayEquals(new int[] {c.channels(), c.batch()}, c.peerDims());
        }
    }

    @Test
    void everyCaseIsFoundByItsKey() {
        for (UNetCase c : UNetCase.all()) {
            assertEquals(c, UNetCase.byKey(c.key()));
        }
    }

    @Test
    void anUnknownModelIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UNetCase.of("imagenet"));
        assertEquals("no U-Net model 'imagenet' (expected small or cifar10)", e.getMessage());
    }
}
