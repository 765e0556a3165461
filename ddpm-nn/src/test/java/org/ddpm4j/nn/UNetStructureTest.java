package org.ddpm4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ddpm4j.tensor.ScalarBackend;
import org.junit.jupiter.api.Test;

class UNetStructureTest {

    @Test
    void ddpmCifar10ModelHas35point7MillionParameters() {
        UNet net = new UNet(UNetConfig.cifar10(), new ScalarBackend(), new SplittableRandom(0));
        long n = net.parameterCount();
        assertTrue(Math.abs(n - 35.7e6) <= 0.1e6, "DDPM CIFAR-10 U-Net has " + n + " parameters, paper: 35.7 M");
    }

    @Test
    void smallGrayscaleModelMatchesTheReferencePyTorchModel() {
        UNet net = new UNet(UNetConfig.smallGrayscale(), new ScalarBackend(), new SplittableRandom(0));
        // UNet(in_ch=1, ch=64, ch_mult=(1,2,2), num_res_blocks=2, attn_res=(16,)) of pytorch_baseline.py
        assertEquals(REFERENCE_SMALL_PARAMETERS, net.parameterCount());
    }

    @Test
    void theConfigCountsItsParametersWithoutBuildingTheModel() {
        List<UNetConfig> configs = List.of(UNetConfig.cifar10(), UNetConfig.smallGrayscale(),
                TinyModels.tinyConfig(0), TinyModels.tinyConfig(10).withLearnedVariance(true),
                new UNetConfig(3, 64, new int[] {1, 2, 3, 4}, 3, Set.of(), 0f, 16, 0),
                new UNetConfig(2, 32, new int[] {2}, 1, Set.of(8), 0f, 8, 4));
        for (UNetConfig c : configs) {
            UNet net = new UNet(c, new ScalarBackend(), new SplittableRandom(0));
            assertEquals(net.parameterCount(), c.parameterCount(), c.toString());
        }
    }

    @Test
    void absurdConfigsAreRefusedBeforeAnythingIsAllocated() {
        assertThrows(IllegalArgumentException.class,
                () -> new UNetConfig(1, 1 << 17, new int[] {1}, 1, Set.of(), 0f, 32, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new UNetConfig(1, 32, new int[] {1, 1 << 20}, 1, Set.of(), 0f, 32, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new UNetConfig(1, 32, new int[] {1, 0}, 1, Set.of(), 0f, 32, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new UNetConfig(1, 32, new int[] {1}, 1, Set.of(), 0f, 1 << 20, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new UNetConfig(1, 32, new int[] {1}, 1000, Set.of(), 0f, 32, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new UNetConfig(1, 32, new int[] {1}, 1, Set.of(), 1.5f, 32, 0));
        // Within the limits, a large config is counted, not built.
        UNetConfig wide = new UNetConfig(1, 4096, new int[] {1, 2}, 2, Set.of(16), 0f, 32, 0);
        assertTrue(wide.parameterCount() > 1_000_000_000L, "a ch-4096 U-Net has billions of parameters");
    }

    /** Counted by PyTorch: sum(p.numel() for p in UNet(...).parameters()) for the script's small default. */
    static final long REFERENCE_SMALL_PARAMETERS = 6_469_889L;

    @Test
    void learnedVarianceDoublesTheOutputChannels() {
        UNetConfig cfg = TinyModels.tinyConfig(0).withLearnedVariance(true);
        UNet net = new UNet(cfg, new ScalarBackend(), new SplittableRandom(0));
        org.ddpm4j.tensor.Tensor out = net.forward(org.ddpm4j.tensor.Tensor.zeros(2, 1, 8, 8), new int[] {1, 2}, null,
                ForwardContext.inference());
        assertTrue(out.hasShape(2, 2, 8, 8), out.shapeString());
    }

    @Test
    void parameterNamesAreUniqueAndHierarchical() {
        UNet net = new UNet(UNetConfig.smallGrayscale(), new ScalarBackend(), new SplittableRandom(0));
        var names = new HashSet<String>();
        for (Parameter p : net.parameters()) {
            assertTrue(names.add(p.name()), "duplicate parameter name " + p.name());
        }
        assertTrue(names.contains("down.0.conv1.weight"), names.toString());
        assertTrue(names.contains("down.4.attn.qkv.weight"), names.toString());
        assertTrue(names.contains("tail.2.bias") && names.contains("temb.0.weight") && names.contains("head.weight"));
    }

    @Test
    void badInputsAreRejectedWithTheirShapes() {
        UNet net = TinyModels.tinyUNet(new ScalarBackend(), 0, 1);
        var e = assertThrows(IllegalArgumentException.class, () -> net.forward(org.ddpm4j.tensor.Tensor.zeros(2, 1, 9, 8),
                new int[] {1, 2}, null, ForwardContext.inference()));
        assertTrue(e.getMessage().contains("[2, 1, 9, 8]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> net.forward(org.ddpm4j.tensor.Tensor.zeros(2, 1, 8, 8),
                new int[] {1, 2}, new int[] {0, 1}, ForwardContext.inference()));
        assertThrows(IllegalArgumentException.class, () -> new UNetConfig(1, 48, new int[] {1}, 1, java.util.Set.of(), 0f, 8, 0));
    }
}
