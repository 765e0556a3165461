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
 *
 * <p>Where it saves work ({@link #folds}) the block computes the same function with two of its four 1×1 products
 * instead of four: queries {@code M h + b̃}, h itself as keys, and values already projected
 * ({@link AttentionProjections}).
 * Otherwise it runs the block as written, each role's 1×1 convolution on its own.
 */
public final class AttnBlock implements UNetLayer {
    private static final Conv2dSpec POINTWISE = Conv2dSpec.pointwise();

    private final Backend be;
    private final GroupNorm norm;
    private final Conv2d qkv;
    private final Conv2d proj;
    private final AttentionProjections projections;
    private final int channels;
    private final GradientScratch scratch;
    private boolean folded;
    private Tensor normed;
    private Tensor queries;
    private Tensor keys;
    private Tensor values;
    private Tensor attended;
    private Tensor probs;
    private Tensor output;

    /** The parameters of a block over {@code channels}, as the constructor allocates them. */
    static long parameterCount(int channels) {
        return GroupNorm.parameterCount(channels) + Conv2d.parameterCount(channels, 3 * channels, POINTWISE)
                + Conv2d.parameterCount(channels, channels, POINTWISE);
    }

    /**
     * Whether a block over {@code channels} folds its projections for {@code batch} images of {@code positions}
     * positions. Folding costs the products {@code W_kᵀW_q} and {@code W_oW_v} (2C³ multiply-adds forward, 4C³
     * backward) and saves two of the four 1×1 convolutions (2C²·B·T forward, 4C²·B·T backward): it pays once B·T
     * exceeds C, and the factor two leaves room for the small passes that split and gather the weights.
     */
    public static boolean folds(int batch, int positions, int channels) {
        return (long) batch * positions >= 2L * channels;
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
        this.qkv = new Conv2d(be, name + ".qkv", channels, 3 * channels, POINTWISE, 1.0, rng);
        this.proj = new Conv2d(be, name + ".proj", channels, channels, POINTWISE, 0.0, rng);
        this.projections = new AttentionProjections(be, channels, qkv, proj);
    }

    @Override
    public Tensor forward(Tensor x, Tensor timeEmbedding, ForwardContext ctx) {
        int b = x.dim(0), t = x.dim(2) * x.dim(3);
        normed = norm.forward(x);
        probs = Buffers.ensure(probs, b, t, t);
        output = Buffers.ensure(output, x.shape());
        queries = Buffers.ensure(queries, x.shape());
        values = Buffers.ensure(values, x.shape());
        folded = folds(b, t, channels);
        if (folded) {
            projections.foldedForward(normed, queries, values);
            be.attention(queries, normed, values, output, probs);
        } else {
            keys = Buffers.ensure(keys, x.shape());
            attended = Buffers.ensure(attended, x.shape());
            projections.splitForward(normed, queries, keys, values);
            be.attention(queries, keys, values, attended, probs);
            // The projection writes straight into the block's output.
            proj.forward(attended, output);
        }
        be.add(x, output, output);
        return output;
    }

    @Override
    public Tensor backward(Tensor gradOutput, Tensor gradTimeEmbedding) {
        int[] shape = gradOutput.shape();
        Tensor gNormed = folded ? foldedBackward(gradOutput) : splitBackward(gradOutput);
        Tensor g = norm.backward(gNormed, scratch.other(shape, gradOutput, gNormed));
        Tensor gradInput = scratch.pathGradient(shape, gradOutput);
        be.add(g, gradOutput, gradInput);
        return gradInput;
    }

    /** The gradient of the norm's output through the folded products; the parameters' gradients are added. */
    private Tensor foldedBackward(Tensor gradOutput) {
        int[] shape = gradOutput.shape();
        Tensor gQueries = scratch.other(shape, gradOutput).zero();
        Tensor gNormed = scratch.other(shape, gradOutput, gQueries).zero();
        Tensor gValues = scratch.other(shape, gradOutput, gQueries, gNormed).zero();
        // h is the keys: their gradient is the first part of the norm output's.
        be.attentionBackward(queries, normed, values, probs, gradOutput, gQueries, gNormed, gValues);
        projections.foldedBackward(normed, gQueries, gValues, gNormed);
        return gNormed;
    }

    /** The gradient of the norm's output through the block as written; the parameters' gradients are added. */
    private Tensor splitBackward(Tensor gradOutput) {
        int[] shape = gradOutput.shape();
        Tensor gAttended = proj.backward(gradOutput, scratch.other(shape, gradOutput));
        Tensor gQueries = scratch.other(shape, gradOutput, gAttended).zero();
        Tensor gKeys = scratch.other(shape, gradOutput, gAttended, gQueries).zero();
        Tensor gValues = scratch.other(shape, gradOutput, gAttended, gQueries, gKeys).zero();
        be.attentionBackward(queries, keys, values, probs, gAttended, gQueries, gKeys, gValues);
        Tensor gNormed = scratch.other(shape, gradOutput, gQueries, gKeys, gValues).zero();
        projections.splitBackward(normed, gQueries, gKeys, gValues, gNormed);
        return gNormed;
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
