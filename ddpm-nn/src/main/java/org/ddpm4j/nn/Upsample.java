package org.ddpm4j.nn;

import java.util.List;
import java.util.random.RandomGenerator;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Conv2dSpec;
import org.ddpm4j.tensor.Tensor;

/** Doubles the resolution: nearest-neighbour upsampling, then a 3×3 convolution ({@code <name>.conv}). */
public final class Upsample implements UNetLayer {
    private final Backend be;
    private final Conv2d conv;
    private final int channels;
    private final GradientScratch scratch;
    private Tensor upsampled;

    /** The parameters of the layer over {@code channels}: its convolution's. */
    static long parameterCount(int channels) {
        return Conv2d.parameterCount(channels, channels, Conv2dSpec.same3x3());
    }

    public Upsample(Backend be, String name, int channels, RandomGenerator rng) {
        this(be, name, channels, rng, new GradientScratch());
    }

    /** A layer whose backward takes its buffers from {@code scratch}, shared with the network's other layers. */
    Upsample(Backend be, String name, int channels, RandomGenerator rng, GradientScratch scratch) {
        this.be = be;
        this.scratch = scratch;
        this.channels = channels;
        this.conv = new Conv2d(be, name + ".conv", channels, channels, Conv2dSpec.same3x3(), 1.0, rng);
    }

    @Override
    public Tensor forward(Tensor x, Tensor timeEmbedding, ForwardContext ctx) {
        upsampled = Buffers.ensure(upsampled, x.dim(0), x.dim(1), 2 * x.dim(2), 2 * x.dim(3));
        be.upsample2x(x, upsampled);
        return conv.forward(upsampled);
    }

    @Override
    public Tensor backward(Tensor gradOutput, Tensor gradTimeEmbedding) {
        Tensor g = conv.backward(gradOutput, scratch.other(conv.inputShape(), gradOutput));
        Tensor gradInput = scratch.pathGradient(new int[] {g.dim(0), g.dim(1), g.dim(2) / 2, g.dim(3) / 2}, gradOutput)
                .zero();
        be.upsample2xBackward(g, gradInput);
        return gradInput;
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
