package org.ddpm4j.nn;

import static org.ddpm4j.nn.GoldenJson.ints;
import static org.ddpm4j.nn.GoldenJson.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Backends;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A tiny U-Net's forward and backward against PyTorch ({@code src/test/python/make_unet_golden.py}). Both sides fill
 * every parameter by name from the same formula, so matching names and shapes are part of what is checked.
 */
class UNetPyTorchGoldenTest {

    static Stream<Backend> backends() {
        return Stream.of(new ScalarBackend(), Backends.create("simd", 2));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void forwardAndBackwardMatchPyTorch(Backend be) throws Exception {
        JsonNode g;
        try (InputStream in = getClass().getResourceAsStream("/golden/unet_tiny.json")) {
            g = new ObjectMapper().readTree(in);
        }
        UNetConfig cfg = TinyModels.tinyConfig(0).withDropout(0f);
        UNet net = new UNet(cfg, be, new SplittableRandom(0));
        Map<String, int[]> ours = new LinkedHashMap<>(), theirs = new LinkedHashMap<>();
        for (Parameter p : net.parameters()) {
            ours.put(p.name(), p.value().shape());
            fill(p);
        }
        g.get("params").fields().forEachRemaining(e -> theirs.put(e.getKey(), ints(e.getValue().get("shape"))));
        assertEquals(toStrings(theirs), toStrings(ours), "parameter names and shapes differ from PyTorch's");

        Tensor x = tensor(g.get("x")), dy = tensor(g.get("dy"));
        int[] t = ints(g.get("t"));
        Tensor y = net.forward(x, t, null, ForwardContext.inference());
        assertCloseAll(tensor(g.get("y")).toArray(), y.toArray(), "output");
        net.zeroGrad();
        net.backward(dy);
        for (Parameter p : net.parameters()) {
            JsonNode e = g.get("params").get(p.name());
            double norm = 0, probe = 0, weights = 0;
            float[] gr = p.grad().toArray();
            for (int i = 0; i < gr.length; i++) {
                norm += (double) gr[i] * gr[i];
                probe += gr[i] * Math.cos(0.11 * i);
                weights += Math.cos(0.11 * i) * Math.cos(0.11 * i);
            }
            double expectedNorm = e.get("grad_norm").asDouble(), expectedProbe = e.get("grad_probe").asDouble();
            assertClose(expectedNorm, Math.sqrt(norm), p.name() + " gradient norm");
            // The probe can cancel to far below the gradient's size (down.1.conv.weight's to 3e-4 of its norm), and
            // then rounding the norm check accepts moves it by more than rel·|probe|. Its scale is therefore the
            // larger of |probe| and how far rounding of rel times the gradient's RMS element, in no preferred
            // direction, moves a sum weighted by the cosines: RMS element · ‖cos‖.
            double probeScale = Math.max(Math.abs(expectedProbe),
                    expectedNorm / Math.sqrt(gr.length) * Math.sqrt(weights));
            assertTrue(Math.abs(probe - expectedProbe) <= NnTolerances.PYTORCH_ABS + NnTolerances.PYTORCH_REL
                    * probeScale, p.name() + " gradient probe: PyTorch " + expectedProbe + ", ours " + probe
                    + " (scale " + probeScale + ")");
            if (e.has("grad")) {
                float[] expected = new float[gr.length];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = (float) e.get("grad").get(i).asDouble();
                }
                assertCloseAll(expected, gr, p.name() + " gradient");
            }
        }
        be.shutdown();
    }

    /** The formula of make_unet_golden.py's fill(): 0.2·sin(0.37·i + h/7) (+1 for GroupNorm scales). */
    private static void fill(Parameter p) {
        String name = p.name();
        int h = 0;
        for (int k = 0; k < name.length(); k++) {
            h += (k + 1) * name.charAt(k);
        }
        h %= 1000;
        boolean scale = name.endsWith("norm1.weight") || name.endsWith("norm2.weight") || name.endsWith("norm.weight")
                || name.equals("tail.0.weight");
        float[] d = new float[p.value().size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) ((scale ? 1.0 : 0.0) + 0.2 * Math.sin(0.37 * i + h / 7.0));
        }
        p.value().copyFrom(d);
    }

    private static void assertCloseAll(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + " size");
        for (int i = 0; i < expected.length; i++) {
            assertClose(expected[i], actual[i], what + "[" + i + "]");
        }
    }

    private static void assertClose(double expected, double actual, String what) {
        assertTrue(NnTolerances.close(expected, actual, NnTolerances.PYTORCH_ABS, NnTolerances.PYTORCH_REL),
                what + ": PyTorch " + expected + ", ours " + actual);
    }

    private static Map<String, String> toStrings(Map<String, int[]> m) {
        Map<String, String> out = new java.util.TreeMap<>();
        m.forEach((k, v) -> out.put(k, java.util.Arrays.toString(v)));
        return out;
    }
}
