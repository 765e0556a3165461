package org.ddpm4j.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Conv2dSpec;
import org.ddpm4j.tensor.Tensor;

/**
 * DDPM's self-attention block at one resolution (Appendix B): {@code h = norm(x)}, q, k, v from one 1×1
 * convolution to 3C channels, {@code softmax(QᵀK/√C)·V} over the H·W positions, a 1×1 projection that starts at
 * zero, and a residual connection. Parameters are named as in the reference PyTorch model:
 * {@code <name>.norm}, {@code <name>.qkv}, {@code <name>.proj}.
 */
public final class AttnBlock implements UNetLayer {
    private final Backend be;
    private final GroupNorm norm;
    private final Conv2d qkv;
    private final Conv2d proj;
    private final int channels;
    private final GradientScratch scratch;
    private Tensor qkvView;
    private Tensor attended;
    private Tensor probs;
    private Tensor output;

    /** The parameters of a block over {@code channels}, as the constructor allocates them. */
    static long parameterCount(int channels) {
        return GroupNorm.parameterCount(channels) + Conv2d.parameterCount(channels, 3 * channels, Conv2dSpec.pointwise())
                + Conv2d.parameterCount(channels, channels, Conv2dSpec.pointwise());
    }

    public AttnBlock(Backend be, String name, int channels, float normEps, RandomGenerator rng) {
        this(be, name, channels, normEps, rng, new GradientScratch());
    }

    /**
     * A block whose backward takes its inner gradients and the input gradient it returns from {@code scratch}, shared
     * with the network's other layers.
     */
    AttnBlock(Backend be, String name, int channels, float normEps, RandomGenerator rng, GradientScratch scratch) {
        this.be = be;
        this.scratch = scratch;
        this.channels = channels;
        this.norm = new GroupNorm(be, name + ".norm", channels, GroupNorm.DEFAULT_GROUPS, normEps);
        this.qkv = new Conv2d(be, name + ".qkv", channels, 3 * channels, Conv2dSpec.pointwise(), 1.0, rng);
        this.proj = new Conv2d(be, name + ".proj", channels, channels, Conv2dSpec.pointwise(), 0.0, rng);
    }

    @Override
    public Tensor forward(Tensor x, Tensor timeEmbedding, ForwardContext ctx) {
        int b = x.dim(0), t = x.dim(2) * x.dim(3);
        qkvView = qkv.forward(norm.forward(x));
        attended = Buffers.ensure(attended, x.shape());
        probs = Buffers.ensure(probs, b, t, t);
        be.attention(qkvView, attended, probs);
        // The projection writes straight into the block's output, and the residual is added there in place.
        output = Buffers.ensure(output, x.shape());
        proj.forward(attended, output);
        be.add(x, output, output);
        return output;
    }

    @Override
    public Tensor backward(Tensor gradOutput, Tensor gradTimeEmbedding) {
        int[] shape = gradOutput.shape();
        Tensor gAttended = proj.backward(gradOutput, scratch.other(shape, gradOutput));
        Tensor gQkv = scratch.other(qkvView.shape()).zero();
        be.attentionBackward(qkvView, probs, gAttended, gQkv);
        Tensor g = qkv.backward(gQkv, scratch.other(shape, gradOutput, gAttended));
        g = norm.backward(g, scratch.other(shape, gradOutput, g));
        Tensor gradInput = scratch.pathGradient(shape, gradOutput);
        be.add(g, gradOutput, gradInput);
        return gradInput;
    }

    @Override
    public int outChannels() {
        return channels;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>(norm.parameters());
        ps.addAll(qkv.parameters());
        ps.addAll(proj.parameters());
        return ps;
    }
}
