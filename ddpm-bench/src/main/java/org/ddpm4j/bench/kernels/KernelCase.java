package org.ddpm4j.bench.kernels;

import java.util.ArrayList;
import java.util.List;

/**
 * One kernel benchmark case: the PyTorch peer ({@code ddpm-bench/src/main/python/pytorch_peer.py}) builds the same
 * work from the section, the mode and {@link #dims}. The work formulas are nominal flop and byte counts
 * (multiply-add = 2 flops).
 *
 * @param section {@code conv} (the same 3×3 convolutions), {@code convs} (the U-Net's other convolutions: the stride-2
 *                downsampling and the 1×1 shortcuts), {@code gn} or {@code attn}
 * @param name    the case, e.g. {@code N32 64->64 32x32}
 * @param mode    {@code fwd}, {@code fwd+bwd} or {@code fwd+bwd(w)}
 * @param dims    the numbers of the case: (N, Cin, Cout, HW) for conv, (N, Cin, Cout, HW, kernel, stride) for convs,
 *                (N, C, H, W) otherwise
 */
public record KernelCase(String section, String name, String mode, int[] dims) {

    /** Every case of one section, in the script's order. */
    public static List<KernelCase> section(String section) {
        List<KernelCase> cases = new ArrayList<>();
        switch (section) {
            case "conv" -> {
                // The ch 64 U-Net's levels, its first convolution and a small batch; then the ch 32 U-Net's three
                // levels; then DDPM's CIFAR-10 network's first and last layers (RGB images, ch 128).
                int[][] conv = {{32, 64, 64, 32}, {32, 128, 128, 16}, {32, 128, 128, 8}, {32, 1, 64, 32}, {8, 64, 64, 32},
                        {32, 32, 32, 32}, {32, 64, 64, 16}, {32, 64, 64, 8}, {32, 3, 128, 32}, {32, 128, 3, 32}};
                for (int[] c : conv) {
                    String name = String.format("N%d %d->%d %dx%d", c[0], c[1], c[2], c[3], c[3]);
                    cases.add(new KernelCase("conv", name, "fwd", c));
                    cases.add(new KernelCase("conv", name, "fwd+bwd", c));
                    // A first layer's training needs no gradient of the images.
                    if (c[1] == 1 || c[1] == 3) {
                        cases.add(new KernelCase("conv", name, "fwd+bwd(w)", c));
                    }
                }
            }
            case "convs" -> {
                // The downsampling of the ch 64 U-Net's two upper levels and of the ch 32 U-Net's top level; the 1×1
                // shortcuts where channels change at 32×32 (ch 64 up path) and the attention levels' 1×1 maps.
                int[][] convs = {{32, 128, 128, 32, 3, 2}, {32, 128, 128, 16, 3, 2}, {32, 64, 64, 32, 3, 2},
                        {32, 128, 64, 32, 1, 1}, {32, 128, 128, 16, 1, 1}};
                for (int[] c : convs) {
                    String name = c[4] == 1
                            ? String.format("N%d %d->%d %dx%d 1x1", c[0], c[1], c[2], c[3], c[3])
                            : String.format("N%d %d->%d %dx%d s%d", c[0], c[1], c[2], c[3], c[3], c[5]);
                    cases.add(new KernelCase("convs", name, "fwd", c));
                    cases.add(new KernelCase("convs", name, "fwd+bwd", c));
                }
            }
            case "gn" -> {
                int[][] gn = {{32, 128, 16, 16}, {32, 64, 32, 32}};
                for (int[] c : gn) {
                    String name = String.format("GN32 (%d,%d,%d,%d)", c[0], c[1], c[2], c[3]);
                    cases.add(new KernelCase("gn", name, "fwd", c));
                    cases.add(new KernelCase("gn", name, "fwd+bwd", c));
                }
            }
            case "attn" -> {
                int[][] attn = {{32, 128, 16, 16}, {32, 128, 8, 8}};
                for (int[] c : attn) {
                    String name = String.format("attn (%d,%d,%d,%d)", c[0], c[1], c[2], c[3]);
                    cases.add(new KernelCase("attn", name, "fwd", c));
                    cases.add(new KernelCase("attn", name, "fwd+bwd", c));
                }
            }
            default -> throw new IllegalArgumentException("unknown kernel section '" + section
                    + "' (expected conv, convs, gn or attn)");
        }
        return cases;
    }

    /** Finds a case by its JMH parameter key, {@code section|case|mode}. */
    public static KernelCase byKey(String key) {
        String section = key.substring(0, key.indexOf('|'));
        return section(section).stream().filter(c -> c.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no kernel case '" + key + "'"));
    }

    public String key() {
        return section + "|" + name + "|" + mode;
    }

    /** Nominal GFLOP of one call (the script's formulas), or NaN for the memory-bound GroupNorm. */
    public double gflop() {
        int n = dims[0];
        return switch (section) {
            case "conv", "convs" -> {
                boolean convs = section.equals("convs");
                int k = convs ? dims[4] : 3, out = convs ? dims[3] / dims[5] : dims[3];
                double fwd = 2.0 * n * dims[2] * out * out * dims[1] * k * k / 1e9;
                yield switch (mode) {
                    case "fwd" -> fwd;
                    case "fwd+bwd" -> 3 * fwd;
                    default -> 2 * fwd;
                };
            }
            case "attn" -> {
                double t = (double) dims[2] * dims[3], c = dims[1];
                double fwd = 2.0 * n * t * c * (4 * c + 2 * t) / 1e9;
                yield mode.equals("fwd") ? fwd : 3 * fwd;
            }
            default -> Double.NaN;
        };
    }

    /** Nominal GB moved by one GroupNorm call (8 B/element forward, 20 B/element forward+backward), else NaN. */
    public double gbytes() {
        if (!section.equals("gn")) {
            return Double.NaN;
        }
        double elements = (double) dims[0] * dims[1] * dims[2] * dims[3];
        return (mode.equals("fwd") ? 8.0 : 20.0) * elements / 1e9;
    }
}
