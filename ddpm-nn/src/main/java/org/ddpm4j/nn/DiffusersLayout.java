package org.ddpm4j.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * Where each of a {@link UNet}'s parameters lives in the state dict of diffusers' {@code UNet2DModel} of the same
 * shape. The mapping follows from the block structure alone: {@link UNet#plan} walks the layers in the order both
 * networks build them, so level {@code i}'s j-th residual block is {@code down_blocks.i.resnets.j}, and so on.
 *
 * <p>One ddpm4j tensor can be several diffusers tensors concatenated along the first axis: the attention's
 * {@code qkv} 1×1 convolution is {@code to_q}, {@code to_k} and {@code to_v} stacked (in that order: the backend
 * reads queries, keys and values from consecutive channel blocks). Diffusers' attention projections are linear layers,
 * so their weights lack the convolution's trailing 1×1.
 */
public final class DiffusersLayout {
    private DiffusersLayout() {
    }

    /** The attention parameter names: current diffusers, or the names of files written before diffusers 0.15. */
    public enum AttentionNames {
        CURRENT("to_q", "to_k", "to_v", "to_out.0"),
        LEGACY("query", "key", "value", "proj_attn");

        final String query, key, value, out;

        AttentionNames(String query, String key, String value, String out) {
            this.query = query;
            this.key = key;
            this.value = value;
            this.out = out;
        }

        /** The name that tells the two apart in a file: the query projection's weight suffix. */
        public String queryWeightSuffix() {
            return "." + query + ".weight";
        }
    }

    /**
     * One ddpm4j parameter and the diffusers tensors it is made of.
     *
     * @param name      the ddpm4j parameter name
     * @param sources   the diffusers names, concatenated along the first axis in this order
     * @param linear    whether the diffusers tensors are linear-layer weights, without the 1×1 of ours
     */
    public record Entry(String name, List<String> sources, boolean linear) {
    }

    /** Every parameter of a U-Net of {@code config}, by its ddpm4j name. */
    public static List<Entry> of(UNetConfig config, AttentionNames attention) {
        if (config.numClasses() > 0) {
            throw new IllegalArgumentException("diffusers layout: class-conditional U-Nets are not mapped (ddpm4j's "
                    + "class table has an extra 'no class' row for guidance)");
        }
        List<Entry> entries = new ArrayList<>();
        both(entries, "temb.0", "time_embedding.linear_1");
        both(entries, "temb.2", "time_embedding.linear_2");
        both(entries, "head", "conv_in");
        UNet.plan(config, new UNet.Plan() {
            private int level, block, midBlock, upLevel, upBlock;

            @Override
            public void resBlock(UNet.Part part, String name, int in, int out) {
                String to = switch (part) {
                    case DOWN -> "down_blocks." + level + ".resnets." + block++;
                    case MID -> "mid_block.resnets." + midBlock++;
                    case UP -> "up_blocks." + upLevel + ".resnets." + upBlock++;
                };
                both(entries, name + ".norm1", to + ".norm1");
                both(entries, name + ".conv1", to + ".conv1");
                both(entries, name + ".temb_proj", to + ".time_emb_proj");
                both(entries, name + ".norm2", to + ".norm2");
                both(entries, name + ".conv2", to + ".conv2");
                if (in != out) {
                    both(entries, name + ".skip", to + ".conv_shortcut");
                }
            }

            @Override
            public void attention(UNet.Part part, String name, int channels) {
                // The attention follows the residual block just counted.
                String to = switch (part) {
                    case DOWN -> "down_blocks." + level + ".attentions." + (block - 1);
                    case MID -> "mid_block.attentions.0";
                    case UP -> "up_blocks." + upLevel + ".attentions." + (upBlock - 1);
                };
                both(entries, name + ".norm", to + ".group_norm");
                for (String suffix : List.of(".weight", ".bias")) {
                    entries.add(new Entry(name + ".qkv" + suffix, List.of(to + "." + attention.query + suffix,
                            to + "." + attention.key + suffix, to + "." + attention.value + suffix), true));
                    entries.add(new Entry(name + ".proj" + suffix, List.of(to + "." + attention.out + suffix), true));
                }
            }

            @Override
            public void downsample(String name, int channels) {
                both(entries, name + ".conv", "down_blocks." + level + ".downsamplers.0.conv");
                level++;
                block = 0;
            }

            @Override
            public void upsample(String name, int channels) {
                both(entries, name + ".conv", "up_blocks." + upLevel + ".upsamplers.0.conv");
                upLevel++;
                upBlock = 0;
            }
        });
        both(entries, "tail.0", "conv_norm_out");
        both(entries, "tail.2", "conv_out");
        return entries;
    }

    private static void both(List<Entry> entries, String ours, String theirs) {
        entries.add(new Entry(ours + ".weight", List.of(theirs + ".weight"), false));
        entries.add(new Entry(ours + ".bias", List.of(theirs + ".bias"), false));
    }
}
