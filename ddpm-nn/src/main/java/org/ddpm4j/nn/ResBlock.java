package org.ddpm4j.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Conv2dSpec;
import org.ddpm4j.tensor.Tensor;

/**
 * DDPM's residual block (Ho et al. 2020, Appendix B, after Wide ResNet):
 * {@code h = conv1(silu(norm1(x))) + temb_proj(silu(temb)); h = conv2(dropout(silu(norm2(h)))); out = skip(x) + h},
 * with a 1×1 {@code skip} convolution when the channel count changes. {@code conv2} starts at zero.
 */
public final class ResBlock implements UNetLayer {
    private final Backend be;
    private final NormSiLU normAct1;
    private final Conv2d conv1;
    private final Linear tembProj;
    private final NormSiLU normAct2;
    private final Dropout dropout;
    private final Conv2d conv2;
    private final Conv2d skip;
    private final int outChannels;
    private final GradientScratch scratch;
    private Tensor output;
    private Tensor gradTembProj;

    /** The parameters of a block of these sizes, as the constructor allocates them. */
    static long parameterCount(int in, int out, int tembDim) {
        return GroupNorm.parameterCount(in) + Conv2d.parameterCount(in, out, Conv2dSpec.same3x3())
                + Linear.parameterCount(tembDim, out) + GroupNorm.parameterCount(out)
                + Conv2d.parameterCount(out, out, Conv2dSpec.same3x3())
                + (in == out ? 0 : Conv2d.parameterCount(in, out, Conv2dSpec.pointwise()));
    }

    public ResBlock(Backend be, String name, int in, int out, int tembDim, float dropoutP, float normEps,
                    RandomGenerator rng) {
        this(be, name, in, out, tembDim, dropoutP, normEps, rng, new GradientScratch());
    }

    /**
     * A block whose backward takes its inner gradients and the input gradient it returns from {@code scratch}, shared
     * with the network's other layers.
     */
    ResBlock(Backend be, String name, int in, int out, int tembDim, float dropoutP, float normEps, RandomGenerator rng,
             GradientScratch scratch) {
        this.be = be;
        this.scratch = scratch;
        this.outChannels = out;
        this.normAct1 = new NormSiLU(new GroupNorm(be, name + ".norm1", in, GroupNorm.DEFAULT_GROUPS, normEps),
                scratch);
        this.conv1 = new Conv2d(be, name + ".conv1", in, out, Conv2dSpec.same3x3(), 1.0, rng);
        this.tembProj = new Linear(be, name + ".temb_proj", tembDim, out, 1.0, rng);
        this.normAct2 = new NormSiLU(new GroupNorm(be, name + ".norm2", out, GroupNorm.DEFAULT_GROUPS, normEps),
                scratch);
        this.dropout = new Dropout(be, name + ".dropout", dropoutP, scratch);
        this.conv2 = new Conv2d(be, name + ".conv2", out, out, Conv2dSpec.same3x3(), 0.0, rng);
        this.skip = in == out ? null : new Conv2d(be, name + ".skip", in, out, Conv2dSpec.pointwise(), 1.0, rng);
    }

    @Override
    public Tensor forward(Tensor x, Tensor timeEmbedding, ForwardContext ctx) {
        // The time embedding's projection is added per channel as conv1 writes its output.
        Tensor h = conv1.forwardPlus(normAct1.forward(x), tembProj.forward(timeEmbedding), null, null);
        // Dropout overwrites the second norm's output: backward computes that output again from the norm's input.
        Tensor dropped = dropout.forwardInPlace(normAct2.forward(h), ctx);
        // conv2 writes straight into the block's output, adding the shortcut as it goes.
        output = Buffers.ensure(output, conv2.outputShape(dropped));
        conv2.forwardPlus(dropped, null, skip == null ? x : skip.forward(x), output);
        return output;
    }

    @Override
    public Tensor backward(Tensor gradOutput, Tensor gradTimeEmbedding) {
        int[] outShape = gradOutput.shape();
        Tensor g = conv2.backward(gradOutput, scratch.other(outShape, gradOutput));
        g = dropout.backward(g, scratch.other(outShape, gradOutput, g));
        g = normAct2.backward(g, scratch.other(outShape, gradOutput, g));
        gradTembProj = Buffers.ensureZeroed(gradTembProj, g.dim(0), g.dim(1));
        be.addChannelVectorBackward(g, gradTembProj);
        be.axpy(1f, tembProj.backward(gradTembProj), gradTimeEmbedding);
        int[] inShape = conv1.inputShape();
        g = conv1.backward(g, scratch.other(inShape, gradOutput, g));
        // The first norm's input gradient goes straight into the path gradient the block returns, and the shortcut's
        // is added there in place.
        Tensor gradInput = scratch.pathGradient(inShape, gradOutput);
        normAct1.backward(g, gradInput);
        Tensor shortcut = skip == null ? gradOutput : skip.backward(gradOutput, scratch.other(inShape));
        be.add(gradInput, shortcut, gradInput);
        return gradInput;
    }

    @Override
    public int outChannels() {
        return outChannels;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>();
        ps.addAll(normAct1.parameters());
        ps.addAll(conv1.parameters());
        ps.addAll(tembProj.parameters());
        ps.addAll(normAct2.parameters());
        ps.addAll(conv2.parameters());
        if (skip != null) {
            ps.addAll(skip.parameters());
        }
        return ps;
    }
}
