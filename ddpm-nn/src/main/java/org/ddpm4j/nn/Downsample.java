package org.ddpm4j.nn;

import java.util.List;
import java.util.random.RandomGenerator;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Conv2dSpec;
import org.ddpm4j.tensor.Tensor;

/** Halves the resolution with a 3×3 stride-2 convolution ({@code <name>.conv}), as DDPM's {@code resamp_with_conv}. */
public final class Downsample implements UNetLayer {
    private final Conv2d conv;
    private final int channels;
    private final GradientScratch scratch;

    /** The parameters of the layer over {@code channels}: its convolution's. */
    static long parameterCount(int channels) {
        return Conv2d.parameterCount(channels, channels, Conv2dSpec.downsample3x3());
    }

    public Downsample(Backend be, String name, int channels, DownsamplePadding padding, RandomGenerator rng) {
        this(be, name, channels, padding, rng, new GradientScratch());
    }

    /** A layer whose input gradient comes from {@code scratch}, shared with the network's other layers. */
    Downsample(Backend be, String name, int channels, DownsamplePadding padding, RandomGenerator rng,
               GradientScratch scratch) {
        this.channels = channels;
        this.scratch = scratch;
        this.conv = new Conv2d(be, name + ".conv", channels, channels, padding.spec(), 1.0, rng);
    }

    @Override
    public Tensor forward(Tensor x, Tensor timeEmbedding, ForwardContext ctx) {
        return conv.forward(x);
    }

    @Override
    public Tensor backward(Tensor gradOutput, Tensor gradTimeEmbedding) {
        return conv.backward(gradOutput, scratch.pathGradient(conv.inputShape(), gradOutput));
    }

    @Override
    public int outChannels() {
        return channels;
    }

    @Override
    public List<Parameter> parameters() {
        return conv.parameters();
    }
}
