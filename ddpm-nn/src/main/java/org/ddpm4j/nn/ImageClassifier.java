package org.ddpm4j.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Conv2dSpec;
import org.ddpm4j.tensor.Tensor;

/**
 * A small convolutional image classifier, the feature space of the sample-quality metrics (the role Inception
 * plays for FID on natural images): 3×3 conv → GroupNorm → SiLU at full size with c channels, two stride-2 convs
 * to 2c and 4c, one more 3×3 conv at 4c, each followed by GroupNorm and SiLU; global average pooling gives the
 * 4c penultimate features, a linear layer the logits. Parameters {@code conv.<i>.*}, {@code norm.<i>.*},
 * {@code head.*}.
 */
public final class ImageClassifier implements Module {
    /** GroupNorm groups: 8 divides every width used here (c a multiple of 8). */
    private static final int GROUPS = 8;

    /**
     * @param imageChannels channels of the images
     * @param imageSize     height = width, divisible by 4
     * @param channels      c, a multiple of 8
     * @param numClasses    number of classes
     */
    public record Config(int imageChannels, int imageSize, int channels, int numClasses) {
        public Config {
            if (imageChannels < 1 || imageSize < 4 || imageSize % 4 != 0 || channels < GROUPS || channels % GROUPS != 0
                    || numClasses < 2) {
                throw new IllegalArgumentException("classifier: bad config " + imageChannels + "/" + imageSize + "/"
                        + channels + "/" + numClasses);
            }
        }

        /** For Fashion-MNIST padded to 32×32: c = 32, 10 classes, 128 features. */
        public static Config fashionMnist() {
            return new Config(1, 32, 32, 10);
        }

        /** Width of the penultimate features: 4c. */
        public int featureDim() {
            return 4 * channels;
        }
    }

    private final Config config;
    private final Backend be;
    private final List<Conv2d> convs = new ArrayList<>();
    private final List<GroupNorm> norms = new ArrayList<>();
    private final List<SiLU> acts = new ArrayList<>();
    private final Linear head;
    private Tensor features;
    private Tensor lastActivation;
    private Tensor gradActivation;

    /** A freshly initialised classifier (fan-average uniform weights) running on {@code be}. */
    public ImageClassifier(Config config, Backend be, RandomGenerator rng) {
        this.config = config;
        this.be = be;
        int c = config.channels();
        int[][] layers = {{config.imageChannels(), c, 1}, {c, 2 * c, 2}, {2 * c, 4 * c, 2}, {4 * c, 4 * c, 1}};
        for (int i = 0; i < layers.length; i++) {
            Conv2dSpec spec = layers[i][2] == 2 ? Conv2dSpec.downsample3x3() : Conv2dSpec.same3x3();
            convs.add(new Conv2d(be, "conv." + i, layers[i][0], layers[i][1], spec, 1.0, rng));
            norms.add(new GroupNorm(be, "norm." + i, layers[i][1], GROUPS));
            acts.add(new SiLU(be));
        }
        this.head = new Linear(be, "head", config.featureDim(), config.numClasses(), 1.0, rng);
    }

    /** The configuration it was built with (stored in checkpoints). */
    public Config config() {
        return config;
    }

    /**
     * Class logits {@code [B, numClasses]} of images {@code [B, C, H, W]}; the penultimate features are then in
     * {@link #features()}. Both live in the model's buffers until its next forward.
     */
    public Tensor forward(Tensor x) {
        if (x.rank() != 4 || x.dim(1) != config.imageChannels() || x.dim(2) != config.imageSize()
                || x.dim(3) != config.imageSize()) {
            throw new IllegalArgumentException("classifier: input " + x.shapeString() + " must be [B, "
                    + config.imageChannels() + ", " + config.imageSize() + ", " + config.imageSize() + "]");
        }
        Tensor h = x;
        for (int i = 0; i < convs.size(); i++) {
            h = acts.get(i).forward(norms.get(i).forward(convs.get(i).forward(h)));
        }
        lastActivation = h;
        features = Buffers.ensure(features, x.dim(0), config.featureDim());
        averagePool(h, features);
        return head.forward(features);
    }

    /** The 4c-dimensional features of the last forward's images, {@code [B, 4c]}. */
    public Tensor features() {
        return features;
    }

    /** Adds every parameter's gradient for the loss gradient with respect to the last forward's logits. */
    public void backward(Tensor gradLogits) {
        Tensor g = head.backward(gradLogits);
        gradActivation = Buffers.ensure(gradActivation, lastActivation.shape());
        int b = g.dim(0), ch = g.dim(1), plane = lastActivation.size() / (b * ch);
        float[] d = gradActivation.data(), gf = g.data();
        // Backward of the mean over each channel's plane: every position receives 1/(H·W) of the feature's gradient.
        for (int i = 0; i < b * ch; i++) {
            java.util.Arrays.fill(d, i * plane, (i + 1) * plane, gf[i] / plane);
        }
        Tensor h = gradActivation;
        for (int i = convs.size() - 1; i >= 0; i--) {
            h = convs.get(i).backward(norms.get(i).backward(acts.get(i).backward(h)), i > 0);
        }
    }

    /** Mean of each channel's plane: [B, C, H, W] → [B, C]. */
    private static void averagePool(Tensor x, Tensor out) {
        int bc = out.size(), plane = x.size() / bc;
        float[] d = x.data(), o = out.data();
        for (int i = 0; i < bc; i++) {
            double s = 0;
            for (int j = i * plane; j < (i + 1) * plane; j++) {
                s += d[j];
            }
            o[i] = (float) (s / plane);
        }
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>();
        for (int i = 0; i < convs.size(); i++) {
            ps.addAll(convs.get(i).parameters());
            ps.addAll(norms.get(i).parameters());
        }
        ps.addAll(head.parameters());
        return ps;
    }
}
