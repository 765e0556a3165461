package org.ddpm4j.nn;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * The shape of a DDPM U-Net (Ho et al. 2020, Appendix B).
 *
 * @param imageChannels        channels of the images (1 grayscale, 3 RGB)
 * @param channels             base channel count {@code ch}
 * @param channelMult          channel multiplier per resolution level; the resolution halves between levels
 * @param resBlocks            residual blocks per level on the way down (the way up has one more)
 * @param attentionResolutions resolutions (in pixels) with a self-attention block after each residual block
 * @param dropout              dropout probability inside the residual blocks
 * @param imageSize            height = width of the images
 * @param numClasses           0 for an unconditional model, else the number of classes (classifier-free guidance)
 * @param learnedVariance      whether the output has {@code 2·imageChannels} channels: the mean part, then the
 *                             variance interpolation v of a learned reverse-process variance (Nichol &amp; Dhariwal)
 * @param normEps              the ε of every GroupNorm: PyTorch's 1e-5 for ddpm4j's models, 1e-6 in the published
 *                             DDPM models (TensorFlow's)
 * @param downsamplePadding    where the downsampling convolutions pad
 */
public record UNetConfig(int imageChannels, int channels, int[] channelMult, int resBlocks,
                         Set<Integer> attentionResolutions, float dropout, int imageSize, int numClasses,
                         boolean learnedVariance, float normEps, DownsamplePadding downsamplePadding)
        implements ModelConfig {

    /** A U-Net with a fixed reverse-process variance: the output has the image's channels. */
    public UNetConfig(int imageChannels, int channels, int[] channelMult, int resBlocks,
                      Set<Integer> attentionResolutions, float dropout, int imageSize, int numClasses) {
        this(imageChannels, channels, channelMult, resBlocks, attentionResolutions, dropout, imageSize, numClasses, false);
    }

    /** ddpm4j's own numerics: GroupNorm ε 1e-5 and downsampling padded on both sides. */
    public UNetConfig(int imageChannels, int channels, int[] channelMult, int resBlocks,
                      Set<Integer> attentionResolutions, float dropout, int imageSize, int numClasses,
                      boolean learnedVariance) {
        this(imageChannels, channels, channelMult, resBlocks, attentionResolutions, dropout, imageSize, numClasses,
                learnedVariance, GroupNorm.DEFAULT_EPS, DownsamplePadding.BOTH_SIDES);
    }

    /**
     * The JSON form in checkpoints. A checkpoint written before {@code normEps} and {@code downsamplePadding}
     * existed holds a model with ddpm4j's numerics, so their absence means those, never a zero ε.
     */
    @JsonCreator
    static UNetConfig fromJson(@JsonProperty("imageChannels") int imageChannels, @JsonProperty("channels") int channels,
                               @JsonProperty("channelMult") int[] channelMult, @JsonProperty("resBlocks") int resBlocks,
                               @JsonProperty("attentionResolutions") Set<Integer> attentionResolutions,
                               @JsonProperty("dropout") float dropout, @JsonProperty("imageSize") int imageSize,
                               @JsonProperty("numClasses") int numClasses,
                               @JsonProperty("learnedVariance") boolean learnedVariance,
                               @JsonProperty("normEps") Float normEps,
                               @JsonProperty("downsamplePadding") DownsamplePadding downsamplePadding) {
        if (channelMult == null || attentionResolutions == null) {
            throw new IllegalArgumentException("U-Net config: channelMult and attentionResolutions are required");
        }
        return new UNetConfig(imageChannels, channels, channelMult, resBlocks, attentionResolutions, dropout,
                imageSize, numClasses, learnedVariance, normEps == null ? GroupNorm.DEFAULT_EPS : normEps,
                downsamplePadding == null ? DownsamplePadding.BOTH_SIDES : downsamplePadding);
    }

    public UNetConfig {
        channelMult = channelMult.clone();
        attentionResolutions = Set.copyOf(attentionResolutions);
        if (!(normEps > 0 && normEps < 1) || downsamplePadding == null) {
            throw new IllegalArgumentException("U-Net: GroupNorm eps must be in (0, 1) and the downsample padding "
                    + "given, got " + normEps + " and " + downsamplePadding);
        }
        if (imageChannels < 1 || imageChannels > MAX_CHANNELS || channels < GroupNorm.DEFAULT_GROUPS
                || channels % GroupNorm.DEFAULT_GROUPS != 0) {
            throw new IllegalArgumentException("U-Net: need imageChannels in [1, " + MAX_CHANNELS + "] and channels a multiple of "
                    + GroupNorm.DEFAULT_GROUPS + " (GroupNorm(32)), got " + imageChannels + " and " + channels);
        }
        if (channelMult.length == 0 || resBlocks < 1 || numClasses < 0) {
            throw new IllegalArgumentException("U-Net: need at least one level and one residual block, got mult "
                    + Arrays.toString(channelMult) + ", " + resBlocks + " blocks");
        }
        for (int m : channelMult) {
            if (m < 1 || (long) m * channels > MAX_CHANNELS) {
                throw new IllegalArgumentException("U-Net: channel multiplier " + m + " of " + Arrays.toString(channelMult)
                        + " must be at least 1, and channels × multiplier at most " + MAX_CHANNELS);
            }
        }
        if (imageSize < 1 || imageSize > MAX_IMAGE_SIZE || resBlocks > MAX_RES_BLOCKS || numClasses > MAX_CLASSES
                || !(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("U-Net: need image size in [1, " + MAX_IMAGE_SIZE + "], at most "
                    + MAX_RES_BLOCKS + " residual blocks, at most " + MAX_CLASSES + " classes and dropout in [0, 1), "
                    + "got " + imageSize + ", " + resBlocks + ", " + numClasses + ", " + dropout);
        }
        if (channelMult.length > 31 || imageSize % (1 << (channelMult.length - 1)) != 0) {
            throw new IllegalArgumentException("U-Net: image size " + imageSize + " cannot be halved "
                    + (channelMult.length - 1) + " times");
        }
    }

    /** Limits that keep a config read from a file from asking for absurd memory before any weight is checked. */
    public static final int MAX_CHANNELS = 1 << 16, MAX_IMAGE_SIZE = 1 << 14, MAX_RES_BLOCKS = 64,
            MAX_CLASSES = 1 << 20;

    /** DDPM's CIFAR-10 model: ch 128, mult (1,2,2,2), 2 blocks, attention at 16×16, dropout 0.1, 35.7 M parameters. */
    public static UNetConfig cifar10() {
        return new UNetConfig(3, 128, new int[] {1, 2, 2, 2}, 2, Set.of(16), 0.1f, 32, 0);
    }

    /** The small default for 28/32-pixel grayscale (Fashion-MNIST padded to 32): ch 64, mult (1,2,2), attention at 16. */
    public static UNetConfig smallGrayscale() {
        return new UNetConfig(1, 64, new int[] {1, 2, 2}, 2, Set.of(16), 0.1f, 32, 0);
    }

    /**
     * The number of scalar parameters of a U-Net of this config, counted without allocating it: a checkpoint's
     * config is checked against the weights the file holds before a model is built for it.
     */
    public long parameterCount() {
        return UNet.parameterCount(this);
    }

    /** Channels of the output: the image's, twice that with a learned variance. */
    public int outputChannels() {
        return learnedVariance ? 2 * imageChannels : imageChannels;
    }

    /** This config with base channel count {@code ch} (a multiple of 32). */
    public UNetConfig withChannels(int ch) {
        return new UNetConfig(imageChannels, ch, channelMult, resBlocks, attentionResolutions, dropout, imageSize,
                numClasses, learnedVariance, normEps, downsamplePadding);
    }

    /** This config with dropout probability {@code p} in the residual blocks. */
    public UNetConfig withDropout(float p) {
        return new UNetConfig(imageChannels, channels, channelMult, resBlocks, attentionResolutions, p, imageSize,
                numClasses, learnedVariance, normEps, downsamplePadding);
    }

    /** This config with {@code classes} classes (0: unconditional) and their "no class" embedding row. */
    public UNetConfig withClasses(int classes) {
        return new UNetConfig(imageChannels, channels, channelMult, resBlocks, attentionResolutions, dropout, imageSize,
                classes, learnedVariance, normEps, downsamplePadding);
    }

    /** This config with or without the learned-variance output channels. */
    public UNetConfig withLearnedVariance(boolean learned) {
        return new UNetConfig(imageChannels, channels, channelMult, resBlocks, attentionResolutions, dropout, imageSize,
                numClasses, learned, normEps, downsamplePadding);
    }

    /** Sorted, so that the JSON form in checkpoints does not depend on a JVM's set iteration order. */
    @Override
    public Set<Integer> attentionResolutions() {
        return java.util.Collections.unmodifiableSortedSet(new TreeSet<>(attentionResolutions));
    }

    @Override
    public int[] channelMult() {
        return channelMult.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UNetConfig c && imageChannels == c.imageChannels && channels == c.channels
                && Arrays.equals(channelMult, c.channelMult) && resBlocks == c.resBlocks
                && attentionResolutions.equals(c.attentionResolutions) && dropout == c.dropout
                && imageSize == c.imageSize && numClasses == c.numClasses && learnedVariance == c.learnedVariance
                && normEps == c.normEps && downsamplePadding == c.downsamplePadding;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(channelMult) * 31 + java.util.Objects.hash(imageChannels, channels, resBlocks,
                attentionResolutions, dropout, imageSize, numClasses, learnedVariance, normEps, downsamplePadding);
    }

    @Override
    public String toString() {
        return "UNetConfig[imageChannels=" + imageChannels + ", channels=" + channels + ", channelMult="
                + Arrays.toString(channelMult) + ", resBlocks=" + resBlocks + ", attentionResolutions="
                + new TreeSet<>(attentionResolutions) + ", dropout=" + dropout + ", imageSize=" + imageSize
                + ", numClasses=" + numClasses + ", learnedVariance=" + learnedVariance + ", normEps=" + normEps
                + ", downsamplePadding=" + downsamplePadding + "]";
    }
}
