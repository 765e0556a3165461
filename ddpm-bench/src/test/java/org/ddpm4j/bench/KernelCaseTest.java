package org.ddpm4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.ddpm4j.bench.kernels.KernelCase;
import org.ddpm4j.bench.kernels.KernelWorkload;
import org.ddpm4j.tensor.ScalarBackend;
import org.junit.jupiter.api.Test;

/** The benchmark cases join with the PyTorch peer's records: same names, same work formulas, same JSON keys. */
class KernelCaseTest {

    @Test
    void casesAreNamedAsTheTablesPrintThem() {
        List<String> conv = KernelCase.section("conv").stream().map(KernelCase::key).toList();
        assertEquals(22, conv.size());
        assertTrue(conv.contains("conv|N32 64->64 32x32|fwd+bwd"), conv.toString());
        assertTrue(conv.contains("conv|N32 1->64 32x32|fwd+bwd(w)"), conv.toString());
        // DDPM's CIFAR-10 network's first layer (trained without the images' gradient) and last.
        assertTrue(conv.contains("conv|N32 3->128 32x32|fwd+bwd(w)"), conv.toString());
        assertTrue(conv.contains("conv|N32 128->3 32x32|fwd+bwd"), conv.toString());
        assertTrue(!conv.contains("conv|N32 128->3 32x32|fwd+bwd(w)"), conv.toString());
        assertEquals(List.of("gn|GN32 (32,128,16,16)|fwd", "gn|GN32 (32,128,16,16)|fwd+bwd",
                "gn|GN32 (32,64,32,32)|fwd", "gn|GN32 (32,64,32,32)|fwd+bwd"),
                KernelCase.section("gn").stream().map(KernelCase::key).toList());
        assertEquals("attn (32,128,16,16)", KernelCase.section("attn").get(0).name());
        List<String> convs = KernelCase.section("convs").stream().map(KernelCase::key).toList();
        assertEquals(10, convs.size());
        assertTrue(convs.contains("convs|N32 128->128 32x32 s2|fwd+bwd"), convs.toString());
        assertTrue(convs.contains("convs|N32 128->64 32x32 1x1|fwd"), convs.toString());
    }

    @Test
    void samplingCasesRoundTripTheirKeys() {
        org.ddpm4j.bench.unet.SampleCase c = new org.ddpm4j.bench.unet.SampleCase(64, 8, 1000);
        assertEquals("sample|ch64 B8|ancestral 1000 steps", c.key());
        assertEquals(c, org.ddpm4j.bench.unet.SampleCase.parse(c.key()));
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> org.ddpm4j.bench.unet.SampleCase.parse("sample|ch64|ancestral"));
        assertTrue(e.getMessage().contains("sample|ch64|ancestral"), e.getMessage());
    }

    @Test
    void workFormulasAreTheNominalCounts() {
        // conv fwd = 2·N·Cout·H·W·Cin·9; attn fwd = 2·B·T·C·(4C + 2T); GroupNorm 8 B/element forward.
        assertEquals(2.0 * 32 * 64 * 32 * 32 * 64 * 9 / 1e9, KernelCase.byKey("conv|N32 64->64 32x32|fwd").gflop(), 1e-12);
        assertEquals(3 * 2.0 * 32 * 64 * 32 * 32 * 64 * 9 / 1e9, KernelCase.byKey("conv|N32 64->64 32x32|fwd+bwd").gflop(), 1e-12);
        assertEquals(2 * 2.0 * 32 * 64 * 32 * 32 * 9 / 1e9, KernelCase.byKey("conv|N32 1->64 32x32|fwd+bwd(w)").gflop(), 1e-12);
        // convs fwd = 2·N·Cout·Ho·Wo·Cin·k²: a stride-2 3×3 one has a quarter of the outputs, a 1×1 one k² = 1.
        assertEquals(2.0 * 32 * 128 * 16 * 16 * 128 * 9 / 1e9,
                KernelCase.byKey("convs|N32 128->128 32x32 s2|fwd").gflop(), 1e-12);
        assertEquals(3 * 2.0 * 32 * 64 * 32 * 32 * 128 / 1e9,
                KernelCase.byKey("convs|N32 128->64 32x32 1x1|fwd+bwd").gflop(), 1e-12);
        assertEquals(2.0 * 32 * 256 * 128 * (4 * 128 + 2 * 256) / 1e9, KernelCase.byKey("attn|attn (32,128,16,16)|fwd").gflop(), 1e-12);
        assertEquals(8.0 * 32 * 128 * 16 * 16 / 1e9, KernelCase.byKey("gn|GN32 (32,128,16,16)|fwd").gbytes(), 1e-12);
    }

    @Test
    void recordsSerialiseWithTheDocumentedKeys() {
        BenchRecord r = new BenchRecord("conv", "N8 64->64 32x32", "fwd", 2, "simd", 4.0, 3.5, 100.0, null,
                List.of(4.0, 4.1), null);
        JsonNode json = new ObjectMapper().valueToTree(r);
        for (String key : List.of("section", "case", "mode", "threads", "median_ms", "min_ms", "gflops_med",
                "fork_medians_ms")) {
            assertTrue(json.has(key), "missing " + key + " in " + json);
        }
    }

    @Test
    void everyWorkloadRunsOnTheScalarBackend() {
        // A smoke test of the benchmark bodies on the reference backend (the smallest cases only: it is slow).
        new KernelWorkload(new ScalarBackend(), KernelCase.byKey("conv|N32 1->64 32x32|fwd+bwd(w)")).run();
        new KernelWorkload(new ScalarBackend(), KernelCase.byKey("gn|GN32 (32,128,16,16)|fwd+bwd")).run();
    }
}
