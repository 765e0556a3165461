package org.ddpm4j.nn;

import static org.ddpm4j.nn.GoldenJson.ints;
import static org.ddpm4j.nn.GoldenJson.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.ddpm4j.nn.io.DiffusersUNet;
import org.ddpm4j.nn.io.SafeTensors;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Backends;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The diffusers layout against PyTorch: {@code src/test/resources/diffusers-tiny} is a {@code UNet2DModel} with
 * google/ddpm-cifar10-32's block types, padding, ε and time embedding at ch 32, written by
 * {@code src/test/python/make_diffusers_golden.py} with its forward on two inputs.
 */
class DiffusersUNetTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Backend> backends() {
        return Stream.of(new ScalarBackend(), Backends.create("simd", 2));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void forwardMatchesPyTorchsUNet2DModel(Backend be) throws Exception {
        UNet net = DiffusersUNet.load(golden(), be);
        assertEquals(DownsamplePadding.END, net.config().downsamplePadding(), "downsample_padding 0");
        assertEquals(1e-6f, net.config().normEps(), "norm_eps");
        JsonNode g = goldenJson();
        float[] expected = tensor(g.get("y")).toArray();
        float[] y = net.forward(tensor(g.get("x")), ints(g.get("timesteps")), null, ForwardContext.inference()).toArray();
        assertEquals(expected.length, y.length, "output size");
        for (int i = 0; i < y.length; i++) {
            assertTrue(NnTolerances.close(expected[i], y[i], NnTolerances.PYTORCH_ABS, NnTolerances.PYTORCH_REL),
                    "output[" + i + "]: PyTorch " + expected[i] + ", ours " + y[i]);
        }
        be.shutdown();
    }

    /** The golden file can tell the two paddings apart: the same weights padded on both sides miss it by far. */
    @Test
    void symmetricDownsamplingIsADifferentFunction() throws Exception {
        Backend be = Backends.create("simd", 2);
        UNet loaded = DiffusersUNet.load(golden(), be);
        UNetConfig c = loaded.config();
        UNet shifted = new UNet(new UNetConfig(c.imageChannels(), c.channels(), c.channelMult(), c.resBlocks(),
                c.attentionResolutions(), c.dropout(), c.imageSize(), c.numClasses(), c.learnedVariance(), c.normEps(),
                DownsamplePadding.BOTH_SIDES), be, new SplittableRandom(1));
        for (int i = 0; i < loaded.parameters().size(); i++) {
            shifted.parameters().get(i).value().copyFrom(loaded.parameters().get(i).value());
        }
        JsonNode g = goldenJson();
        float[] expected = tensor(g.get("y")).toArray();
        float[] y = shifted.forward(tensor(g.get("x")), ints(g.get("timesteps")), null, ForwardContext.inference())
                .toArray();
        double worst = 0;
        for (int i = 0; i < y.length; i++) {
            worst = Math.max(worst, Math.abs(y[i] - expected[i]));
        }
        assertTrue(worst > 100 * NnTolerances.PYTORCH_ABS, "padding both sides should change the output, max diff "
                + worst);
        be.shutdown();
    }

    /** Import then export gives back diffusers' state dict: every name, shape and (float16-widened) value. */
    @Test
    void importThenExportReproducesTheStateDict(@TempDir Path tmp) throws Exception {
        Backend be = new ScalarBackend();
        DiffusersUNet.save(DiffusersUNet.load(golden(), be), tmp);
        Map<String, Tensor> original = SafeTensors.read(golden().resolve(DiffusersUNet.WEIGHTS)).tensors();
        Map<String, Tensor> written = SafeTensors.read(tmp.resolve(DiffusersUNet.WEIGHTS)).tensors();
        assertEquals(new java.util.TreeSet<>(original.keySet()), new java.util.TreeSet<>(written.keySet()), "names");
        for (String name : original.keySet()) {
            assertArrayEquals(original.get(name).shape(), written.get(name).shape(), name + " shape");
            assertArrayEquals(original.get(name).toArray(), written.get(name).toArray(), name + " values");
        }
        assertEquals(DiffusersUNet.readConfig(golden()), DiffusersUNet.readConfig(tmp), "config");
    }

    /** A ddpm4j model written in the layout and read back is the same model, bit for bit. */
    @Test
    void exportThenImportIsExact(@TempDir Path tmp) throws Exception {
        Backend be = new ScalarBackend();
        UNetConfig config = new UNetConfig(3, 32, new int[] {1, 2}, 2, Set.of(8), 0.1f, 16, 0, true, 1e-6f,
                DownsamplePadding.END);
        UNet model = new UNet(config, be, new SplittableRandom(5));
        SplittableRandom r = new SplittableRandom(6);
        for (Parameter p : model.parameters()) {
            float[] v = new float[p.value().size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) r.nextGaussian();
            }
            p.value().copyFrom(v);
        }
        DiffusersUNet.save(model, tmp);
        UNet back = DiffusersUNet.load(tmp, be);
        assertEquals(config, back.config(), "config");
        for (int i = 0; i < model.parameters().size(); i++) {
            Parameter a = model.parameters().get(i), b = back.parameters().get(i);
            assertEquals(a.name(), b.name());
            assertArrayEquals(a.value().toArray(), b.value().toArray(), a.name());
        }
    }

    @Test
    void unsupportedConfigValuesAreRefusedByName(@TempDir Path tmp) throws Exception {
        refused(tmp, c -> c.put("flip_sin_to_cos", true), "flip_sin_to_cos");
        refused(tmp, c -> c.put("freq_shift", 0), "freq_shift");
        refused(tmp, c -> c.remove("attention_head_dim"), "attention_head_dim");
        refused(tmp, c -> c.put("attention_head_dim", 8), "attention_head_dim");
        refused(tmp, c -> c.put("norm_num_groups", 16), "norm_num_groups");
        refused(tmp, c -> c.put("resnet_time_scale_shift", "scale_shift"), "resnet_time_scale_shift");
        refused(tmp, c -> c.put("num_class_embeds", 10), "num_class_embeds");
        refused(tmp, c -> c.put("center_input_sample", true), "center_input_sample");
        refused(tmp, c -> c.put("downsample_padding", 2), "downsample_padding");
        refused(tmp, c -> c.put("some_new_option", 1), "'some_new_option'");
        refused(tmp, c -> c.put("layers_per_block", "two"), "layers_per_block");
        refused(tmp, c -> c.withArray("up_block_types").set(1, "AttnUpBlock2D"), "up_block_types[1]");
        refused(tmp, c -> c.withArray("block_out_channels").set(1, 48), "block_out_channels");
        refused(tmp, c -> c.put("out_channels", 4), "out_channels");
    }

    @Test
    void missingExtraAndMisshapenTensorsAreRefusedByName(@TempDir Path tmp) throws Exception {
        Map<String, Tensor> tensors = SafeTensors.read(golden().resolve(DiffusersUNet.WEIGHTS)).tensors();
        Files.copy(golden().resolve(DiffusersUNet.CONFIG), tmp.resolve(DiffusersUNet.CONFIG));

        Map<String, Tensor> missing = new LinkedHashMap<>(tensors);
        missing.remove("mid_block.attentions.0.to_k.bias");
        SafeTensors.write(tmp.resolve(DiffusersUNet.WEIGHTS), missing, Map.of());
        assertMessage(tmp, "'mid_block.attentions.0.to_k.bias' is missing");

        Map<String, Tensor> extra = new LinkedHashMap<>(tensors);
        extra.put("class_embedding.weight", Tensor.zeros(10, 128));
        SafeTensors.write(tmp.resolve(DiffusersUNet.WEIGHTS), extra, Map.of());
        assertMessage(tmp, "class_embedding.weight");

        Map<String, Tensor> misshapen = new LinkedHashMap<>(tensors);
        misshapen.put("conv_in.weight", Tensor.zeros(32, 3, 5, 5));
        SafeTensors.write(tmp.resolve(DiffusersUNet.WEIGHTS), misshapen, Map.of());
        assertMessage(tmp, "'conv_in.weight' has shape [32, 3, 5, 5]");

        Map<String, Tensor> diverged = new LinkedHashMap<>(tensors);
        float[] nan = tensors.get("conv_out.bias").toArray();
        nan[1] = Float.NaN;
        diverged.put("conv_out.bias", Tensor.of(nan, nan.length));
        SafeTensors.write(tmp.resolve(DiffusersUNet.WEIGHTS), diverged, Map.of());
        assertMessage(tmp, "'conv_out.bias'");

        Files.delete(tmp.resolve(DiffusersUNet.WEIGHTS));
        Files.writeString(tmp.resolve(DiffusersUNet.PICKLED_WEIGHTS), "pickle");
        assertMessage(tmp, "unpickling");
    }

    private static void refused(Path tmp, Consumer<ObjectNode> change, String expected) throws IOException {
        ObjectNode config = (ObjectNode) JSON.readTree(golden().resolve(DiffusersUNet.CONFIG).toFile());
        change.accept(config);
        Path dir = Files.createTempDirectory(tmp, "config");
        Files.writeString(dir.resolve(DiffusersUNet.CONFIG), config.toString());
        IOException e = assertThrows(IOException.class, () -> DiffusersUNet.readConfig(dir), expected);
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(DiffusersUNet.CONFIG),
                "the error should name " + expected + " and the file: " + e.getMessage());
    }

    private static void assertMessage(Path dir, String expected) {
        IOException e = assertThrows(IOException.class, () -> DiffusersUNet.load(dir, new ScalarBackend()));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    static Path golden() {
        try {
            return Path.of(DiffusersUNetTest.class.getResource("/diffusers-tiny/config.json").toURI()).getParent();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode goldenJson() throws IOException {
        return JSON.readTree(golden().resolve("golden.json").toFile());
    }
}
