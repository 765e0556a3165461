package org.ddpm4j.nn.io;

import static org.ddpm4j.nn.io.StrictConfig.require;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.ddpm4j.nn.DiffusersLayout;
import org.ddpm4j.nn.DownsamplePadding;
import org.ddpm4j.nn.GroupNorm;
import org.ddpm4j.nn.Parameter;
import org.ddpm4j.nn.UNet;
import org.ddpm4j.nn.UNetConfig;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.NonFiniteException;
import org.ddpm4j.tensor.Tensor;

/**
 * A U-Net in diffusers' layout: a directory with {@code config.json} (a {@code UNet2DModel}'s arguments) and
 * {@code diffusion_pytorch_model.safetensors}, as the DDPM authors' models are published (google/ddpm-cifar10-32,
 * google/ddpm-celebahq-256, ...). Reading refuses, by name, every config value whose network ddpm4j does not compute
 * exactly, and every tensor that is missing, extra or of the wrong shape; writing produces a directory that diffusers'
 * {@code UNet2DModel.from_pretrained} loads.
 */
public final class DiffusersUNet {
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "diffusion_pytorch_model.safetensors";
    /** The pickle form some repositories hold instead: not read, since unpickling can run arbitrary code. */
    public static final String PICKLED_WEIGHTS = "diffusion_pytorch_model.bin";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String DOWN = "DownBlock2D", ATTN_DOWN = "AttnDownBlock2D", UP = "UpBlock2D",
            ATTN_UP = "AttnUpBlock2D";
    /** DDPM's sinusoid: sines first, frequencies exp(−i·ln 10⁴/(half − 1)) (diffusers: flip false, shift 1). */
    private static final boolean FLIP_SIN_TO_COS = false;
    private static final int FREQ_SHIFT = 1;

    private DiffusersUNet() {
    }

    /** The U-Net a diffusers directory holds, with its weights, on {@code be}. */
    public static UNet load(Path dir, Backend be) throws IOException {
        UNetConfig config = readConfig(dir);
        Path weights = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(weights)) {
            throw new IOException(dir + ": no " + WEIGHTS + (Files.exists(dir.resolve(PICKLED_WEIGHTS))
                    ? " (only " + PICKLED_WEIGHTS + ", a pickle, which ddpm4j does not read because unpickling can run "
                    + "code; convert it once in Python: safetensors.torch.save_file(torch.load(\"" + PICKLED_WEIGHTS
                    + "\"), \"" + WEIGHTS + "\"))" : ""));
        }
        SafeTensors.Contents contents = SafeTensors.read(weights);
        Map<String, Tensor> tensors = contents.tensors();
        DiffusersLayout.AttentionNames names = tensors.keySet().stream()
                .anyMatch(k -> k.endsWith(DiffusersLayout.AttentionNames.LEGACY.queryWeightSuffix()))
                ? DiffusersLayout.AttentionNames.LEGACY : DiffusersLayout.AttentionNames.CURRENT;
        List<DiffusersLayout.Entry> layout = DiffusersLayout.of(config, names);
        Set<String> used = new HashSet<>();
        for (DiffusersLayout.Entry e : layout) {
            used.addAll(e.sources());
        }
        Set<String> extra = new TreeSet<>(tensors.keySet());
        extra.removeAll(used);
        if (!extra.isEmpty()) {
            throw new IOException(weights + ": tensors " + extra + " have no place in the U-Net that " + CONFIG
                    + " describes");
        }
        UNet model = new UNet(config, be, new SplittableRandom(0));
        Map<String, Parameter> params = byName(model);
        for (DiffusersLayout.Entry e : layout) {
            Tensor into = params.get(e.name()).value();
            into.copyFrom(concatenate(weights, tensors, e, into));
        }
        return model;
    }

    /** The ddpm4j config of the {@code UNet2DModel} that {@code dir/config.json} describes. */
    public static UNetConfig readConfig(Path dir) throws IOException {
        Path file = dir.resolve(CONFIG);
        StrictConfig config = StrictConfig.read(file, "is this a diffusers model directory? a pipeline keeps the U-Net "
                + "in its unet/ folder");
        try {
            return unetConfig(config);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code model} as a diffusers {@code UNet2DModel} directory (config and weights), creating the directory.
     * Files already there are replaced.
     *
     * @throws IllegalArgumentException for a class-conditional model, which has no diffusers counterpart here
     */
    public static void save(UNet model, Path dir) throws IOException {
        UNetConfig c = model.config();
        List<DiffusersLayout.Entry> layout = DiffusersLayout.of(c, DiffusersLayout.AttentionNames.CURRENT);
        Files.createDirectories(dir);
        Map<String, Parameter> params = byName(model);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (DiffusersLayout.Entry e : layout) {
            Tensor t = params.get(e.name()).value();
            NonFiniteException.requireFinite(t, dir + " not written: tensor '" + e.name() + "'");
            float[] all = t.toArray();
            int parts = e.sources().size(), rows = t.dim(0) / parts, per = all.length / parts;
            // A linear layer's weight [out, in] is our 1×1 convolution's [out, in, 1, 1]; biases are alike.
            int[] shape = e.linear() && t.rank() == 4 ? new int[] {rows, t.dim(1)} : t.shape().clone();
            shape[0] = rows;
            for (int i = 0; i < parts; i++) {
                out.put(e.sources().get(i), Tensor.of(java.util.Arrays.copyOfRange(all, i * per, (i + 1) * per), shape));
            }
        }
        SafeTensors.write(dir.resolve(WEIGHTS), out, Map.of("format", "pt"));
        Files.writeString(dir.resolve(CONFIG), JSON.writeValueAsString(configJson(c)));
    }

    private static ObjectNode configJson(UNetConfig c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("_class_name", "UNet2DModel");
        n.put("sample_size", c.imageSize());
        n.put("in_channels", c.imageChannels());
        n.put("out_channels", c.outputChannels());
        n.put("center_input_sample", false);
        n.put("time_embedding_type", "positional");
        n.put("flip_sin_to_cos", FLIP_SIN_TO_COS);
        n.put("freq_shift", FREQ_SHIFT);
        int[] mult = c.channelMult();
        ArrayNode down = n.putArray("down_block_types"), up = n.putArray("up_block_types"),
                channels = n.putArray("block_out_channels");
        for (int level = 0; level < mult.length; level++) {
            down.add(c.attentionResolutions().contains(c.imageSize() >> level) ? ATTN_DOWN : DOWN);
            channels.add(c.channels() * mult[level]);
        }
        for (int level = mult.length - 1; level >= 0; level--) {
            up.add(c.attentionResolutions().contains(c.imageSize() >> level) ? ATTN_UP : UP);
        }
        n.put("mid_block_type", "UNetMidBlock2D");
        n.put("layers_per_block", c.resBlocks());
        n.put("mid_block_scale_factor", 1);
        n.put("downsample_padding", c.downsamplePadding() == DownsamplePadding.END ? 0 : 1);
        n.put("downsample_type", "conv");
        n.put("upsample_type", "conv");
        n.put("dropout", c.dropout());
        n.put("act_fn", "silu");
        n.putNull("attention_head_dim");
        n.put("norm_num_groups", GroupNorm.DEFAULT_GROUPS);
        n.putNull("attn_norm_num_groups");
        n.put("norm_eps", c.normEps());
        n.put("resnet_time_scale_shift", "default");
        n.put("add_attention", true);
        n.putNull("class_embed_type");
        n.putNull("num_class_embeds");
        n.putNull("num_train_timesteps");
        return n;
    }

    private static Map<String, Parameter> byName(UNet model) {
        Map<String, Parameter> params = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) {
            params.put(p.name(), p);
        }
        return params;
    }

    /** The sources of {@code e} stacked along the first axis, each checked against its share of {@code into}. */
    private static float[] concatenate(Path file, Map<String, Tensor> tensors, DiffusersLayout.Entry e, Tensor into)
            throws IOException {
        int parts = e.sources().size(), rows = into.dim(0) / parts;
        int[] want = into.shape().clone();
        want[0] = rows;
        long perPart = (long) into.size() / parts;
        float[] all = new float[into.size()];
        for (int i = 0; i < parts; i++) {
            String name = e.sources().get(i);
            Tensor t = tensors.get(name);
            if (t == null) {
                throw new IOException(file + ": tensor '" + name + "' is missing (the config needs it for '" + e.name()
                        + "')");
            }
            // A linear layer's [out, in] is a 1×1 convolution's [out, in, 1, 1].
            if (t.rank() == 0 || t.dim(0) != rows || t.size() != perPart || (!e.linear() && t.rank() != want.length)) {
                throw new IOException(file + ": tensor '" + name + "' has shape " + t.shapeString() + " but the config "
                        + "needs " + java.util.Arrays.toString(e.linear() && want.length == 4 ? new int[] {rows, want[1]}
                        : want));
            }
            try {
                NonFiniteException.requireFinite(t, "tensor '" + name + "'");
            } catch (NonFiniteException bad) {
                throw new IOException(file + ": " + bad.getMessage(), bad);
            }
            float[] v = t.toArray();
            System.arraycopy(v, 0, all, (int) (i * perPart), v.length);
        }
        return all;
    }

    /** A {@code UNet2DModel} config as ddpm4j's, refusing by name what ddpm4j's U-Net does not compute. */
    private static UNetConfig unetConfig(StrictConfig c) {
        String className = c.text("_class_name", "UNet2DModel");
        require(className.equals("UNet2DModel"), "_class_name", className, "UNet2DModel");
        int size = sampleSize(c);
        int in = c.integer("in_channels", 3), out = c.integer("out_channels", 3);
        if (out != in && out != 2 * in) {
            throw new IllegalArgumentException("out_channels " + out + " must equal in_channels " + in
                    + " (ε, x₀ or v) or twice it (with a learned variance)");
        }
        require(!c.bool("center_input_sample", false), "center_input_sample", true, "false");
        String embedding = c.text("time_embedding_type", "positional");
        require(embedding.equals("positional"), "time_embedding_type", embedding, "positional");
        boolean flip = c.bool("flip_sin_to_cos", true);
        require(flip == FLIP_SIN_TO_COS, "flip_sin_to_cos", flip, FLIP_SIN_TO_COS + " (DDPM's sines-first embedding)");
        int shift = c.integer("freq_shift", 0);
        require(shift == FREQ_SHIFT, "freq_shift", shift, FREQ_SHIFT + " (DDPM's embedding)");
        List<String> down = c.strings("down_block_types"), up = c.strings("up_block_types");
        List<Integer> widths = c.integers("block_out_channels");
        if (down.size() != widths.size() || up.size() != widths.size() || widths.isEmpty()) {
            throw new IllegalArgumentException("down_block_types, up_block_types and block_out_channels must have "
                    + "the same non-zero length, got " + down.size() + ", " + up.size() + ", " + widths.size());
        }
        int ch = widths.get(0), levels = widths.size();
        int[] mult = new int[levels];
        Set<Integer> attention = new TreeSet<>();
        List<Integer> attendingWidths = new ArrayList<>(List.of(widths.get(levels - 1)));
        for (int level = 0; level < levels; level++) {
            if (widths.get(level) <= 0 || widths.get(level) % ch != 0) {
                throw new IllegalArgumentException("block_out_channels " + widths + ": every entry must be a "
                        + "multiple of the first (ddpm4j's U-Net has channel multipliers)");
            }
            mult[level] = widths.get(level) / ch;
            String d = down.get(level), u = up.get(levels - 1 - level);
            boolean attends = d.equals(ATTN_DOWN);
            require(d.equals(DOWN) || attends, "down_block_types[" + level + "]", d, DOWN + " or " + ATTN_DOWN);
            require(u.equals(attends ? ATTN_UP : UP), "up_block_types[" + (levels - 1 - level) + "]", u,
                    (attends ? ATTN_UP : UP) + ", mirroring down_block_types[" + level + "] (ddpm4j attends at the "
                            + "same resolutions on both paths)");
            if (attends) {
                attention.add(size >> level);
                attendingWidths.add(widths.get(level));
            }
        }
        String mid = c.text("mid_block_type", "UNetMidBlock2D");
        require(mid.equals("UNetMidBlock2D"), "mid_block_type", mid, "UNetMidBlock2D");
        int layers = c.integer("layers_per_block", 2);
        double midScale = c.number("mid_block_scale_factor", 1);
        require(midScale == 1, "mid_block_scale_factor", midScale, "1");
        int padding = c.integer("downsample_padding", 1);
        require(padding == 0 || padding == 1, "downsample_padding", padding, "0 or 1");
        for (String resample : List.of("downsample_type", "upsample_type")) {
            String kind = c.text(resample, "conv");
            require(kind.equals("conv"), resample, kind, "conv");
        }
        double dropout = c.number("dropout", 0);
        String act = c.text("act_fn", "silu");
        require(act.equals("silu"), "act_fn", act, "silu");
        // diffusers' default head dimension is 8 (multi-head); DDPM's models set null: one head over all channels,
        // as does a head dimension equal to the channels of every attention layer (the middle's included).
        boolean headsGiven = c.has("attention_head_dim");
        JsonNode heads = c.node("attention_head_dim");
        boolean single = headsGiven && (heads == null
                || heads.isInt() && attendingWidths.stream().allMatch(w -> w == heads.asInt()));
        require(single, "attention_head_dim", headsGiven ? String.valueOf(heads) : "absent (diffusers' default 8)",
                "null (one attention head, as DDPM)");
        int groups = c.integer("norm_num_groups", GroupNorm.DEFAULT_GROUPS);
        require(groups == GroupNorm.DEFAULT_GROUPS, "norm_num_groups", groups,
                String.valueOf(GroupNorm.DEFAULT_GROUPS));
        JsonNode attnGroups = c.node("attn_norm_num_groups");
        require(attnGroups == null || attnGroups.asInt() == GroupNorm.DEFAULT_GROUPS, "attn_norm_num_groups",
                attnGroups, "null or " + GroupNorm.DEFAULT_GROUPS);
        double eps = c.number("norm_eps", 1e-5);
        String shiftKind = c.text("resnet_time_scale_shift", "default");
        require(shiftKind.equals("default"), "resnet_time_scale_shift", shiftKind, "default");
        require(c.bool("add_attention", true), "add_attention", false, "true (DDPM's middle attention)");
        for (String key : List.of("class_embed_type", "num_class_embeds")) {
            JsonNode v = c.node(key);
            require(v == null, key, v, "null (class-conditional diffusers models are not read)");
        }
        // Only the "learned" time embedding uses it: with the positional one diffusers ignores it too.
        c.node("num_train_timesteps");
        c.refuseUnread("UNet2DModel");
        return new UNetConfig(in, ch, mult, layers, attention, (float) dropout, size, 0, out == 2 * in, (float) eps,
                padding == 0 ? DownsamplePadding.END : DownsamplePadding.BOTH_SIDES);
    }

    private static int sampleSize(StrictConfig c) {
        JsonNode v = c.node("sample_size");
        if (v != null && v.isArray() && v.size() == 2 && v.get(0).isInt() && v.get(0).equals(v.get(1))) {
            return v.get(0).asInt();
        }
        if (v == null || !v.isInt()) {
            throw new IllegalArgumentException("sample_size is " + v + "; ddpm4j needs one integer (square images)");
        }
        return v.asInt();
    }
}
