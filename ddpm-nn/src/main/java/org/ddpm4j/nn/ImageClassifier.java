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
 * to 2c and 4c, one more 3×3 conv at 4c, each followed by GroupNorm and SiLU; 2×2 average pooling to a quarter of
 * the size, a linear layer with SiLU to the 4c penultimate features, and a linear layer to the logits (the flattened
 * 4×4 map rather than global average pooling, which classified Fashion-MNIST less well). Parameters {@code conv.<i>.*}, {@code norm.<i>.*}, {@code fc.*}, {@code head.*}.
 */
public final class ImageClassifier implements Module {
    /** GroupNorm groups: 8 divides every width used here (c a multiple of 8). */
    private static final int GROUPS = 8;

    /**
     * @param imageChannels channels of the images
     * @param imageSize     height = width, divisible by 8
     * @param channels      c, a multiple of 8
     * @param numClasses    number of classes
     */
    public record Config(int imageChannels, int imageSize, int channels, int numClasses) implements ModelConfig {
        public Config {
            if (imageChannels < 1 || imageSize < 8 || imageSize % 8 != 0 || channels < GROUPS || channels % GROUPS != 0
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
    private final Linear fc;
    private final SiLU fcAct;
    private final Linear head;
    private Tensor pooled;
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
        int pooledSize = config.imageSize() / 8;
        this.fc = new Linear(be, "fc", 4 * c * pooledSize * pooledSize, config.featureDim(), 1.0, rng);
        this.fcAct = new SiLU(be);
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
        int half = h.dim(2) / 2;
        pooled = Buffers.ensure(pooled, x.dim(0), h.dim(1) * half * half);
        averagePool2x2(h, pooled);
        features = fcAct.forward(fc.forward(pooled));
        return head.forward(features);
    }

    /** The 4c-dimensional features of the last forward's images, {@code [B, 4c]}. */
    public Tensor features() {
        return features;
    }

    /** Adds every parameter's gradient for the loss gradient with respect to the last forward's logits. */
    public void backward(Tensor gradLogits) {
        Tensor g = fc.backward(fcAct.backward(head.backward(gradLogits)));
        gradActivation = Buffers.ensure(gradActivation, lastActivation.shape());
        int w = lastActivation.dim(3), half = w / 2, planes = lastActivation.size() / (w * w);
        float[] d = new float[gradActivation.size()], gp = g.toArray();
        // Backward of the 2×2 mean: each of the four inputs receives a quarter of its output's gradient.
        for (int p = 0; p < planes; p++) {
            for (int y = 0; y < w; y++) {
                for (int x = 0; x < w; x++) {
                    d[(p * w + y) * w + x] = 0.25f * gp[(p * half + y / 2) * half + x / 2];
                }
            }
        }
        Tensor h = gradActivation.copyFrom(d);
        for (int i = convs.size() - 1; i >= 0; i--) {
            h = convs.get(i).backward(norms.get(i).backward(acts.get(i).backward(h)), i > 0);
        }
    }

    /** Mean of each 2×2 block: [B, C, H, W] → [B, C·(H/2)·(W/2)], flattened per image. */
    private static void averagePool2x2(Tensor x, Tensor out) {
        int w = x.dim(3), half = w / 2, planes = x.size() / (w * w);
        float[] d = x.toArray(), o = new float[out.size()];
        for (int p = 0; p < planes; p++) {
            for (int y = 0; y < half; y++) {
                for (int xx = 0; xx < half; xx++) {
                    int at = (p * w + 2 * y) * w + 2 * xx;
                    o[(p * half + y) * half + xx] = 0.25f * (d[at] + d[at + 1] + d[at + w] + d[at + w + 1]);
                }
            }
        }
        out.copyFrom(o);
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>();
        for (int i = 0; i < convs.size(); i++) {
            ps.addAll(convs.get(i).parameters());
            ps.addAll(norms.get(i).parameters());
        }
        ps.addAll(fc.parameters());
        ps.addAll(head.parameters());
        return ps;
    }
}
