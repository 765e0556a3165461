package org.ddpm4j.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Conv2dSpec;
import org.ddpm4j.tensor.Tensor;

/**
 * The DDPM U-Net (Ho et al. 2020, Appendix B; PixelCNN++ backbone): a head convolution, levels of residual blocks
 * (with self-attention at the chosen resolutions) separated by strided-convolution downsampling, a middle of
 * ResBlock–Attention–ResBlock, the mirrored way up where every residual block first concatenates the matching
 * skip activation, and a GroupNorm–SiLU–convolution tail that starts at zero. Every residual block receives the
 * timestep (and class) embedding.
 *
 * <p>Module order and parameter names follow the reference PyTorch model of {@code pytorch_baseline.py}
 * ({@code head}, {@code down.i}, {@code mid.i}, {@code up.i}, {@code tail.0}, {@code tail.2}, {@code temb.0},
 * {@code temb.2}), so PyTorch can load our weights by name. Skips are taken after a level's attention block, as in
 * the DDPM code.
 *
 * <p>Backward is written out: the up path in reverse, each concatenation's gradient split and routed to the skip
 * it came from, then the middle and the down path, where every stored activation collects the gradient of its
 * skip before its layer's backward runs.
 */
public final class UNet implements Denoiser {
    private final UNetConfig config;
    private final Backend be;
    private final TimestepEmbedding temb;
    private final Conv2d head;
    private final List<UNetLayer> down = new ArrayList<>();
    /** For each down layer: whether its output is a skip activation (not when an attention block follows). */
    private final List<Boolean> downIsSkip = new ArrayList<>();
    private final List<UNetLayer> mid = new ArrayList<>();
    private final List<UNetLayer> up = new ArrayList<>();
    private final NormSiLU tailNormAct;
    private final Conv2d tailConv;

    private final List<Tensor> skips = new ArrayList<>();
    private final List<Tensor> concatBuffers = new ArrayList<>();
    private final List<Tensor> skipGrads = new ArrayList<>();
    private final GradientScratch scratch = new GradientScratch();
    private Tensor timeEmbedding;
    private Tensor gradTimeEmbedding;

    /**
     * A freshly initialised U-Net as DDPM's code initialises it ({@link Init}: fan-average uniform, zero biases,
     * the last layer of every residual branch and the output convolution at (near) zero), running on {@code be}.
     */
    public UNet(UNetConfig config, Backend be, RandomGenerator rng) {
        this.config = config;
        this.be = be;
        float p = config.dropout();
        this.temb = new TimestepEmbedding(be, config.channels(), config.numClasses(), rng);
        int tdim = temb.dim();
        this.head = new Conv2d(be, "head", config.imageChannels(), config.channels(), Conv2dSpec.same3x3(), 1.0, rng);
        int last = plan(config, new Plan() {
            @Override
            public void resBlock(Part part, String name, int in, int out) {
                layers(part).add(new ResBlock(be, name, in, out, tdim, p, config.normEps(), rng, scratch));
            }

            @Override
            public void attention(Part part, String name, int channels) {
                layers(part).add(new AttnBlock(be, name, channels, config.normEps(), rng, scratch));
            }

            @Override
            public void downsample(String name, int channels) {
                down.add(new Downsample(be, name, channels, config.downsamplePadding(), rng, scratch));
            }

            @Override
            public void upsample(String name, int channels) {
                up.add(new Upsample(be, name, channels, rng, scratch));
            }
        });
        this.tailNormAct = new NormSiLU(new GroupNorm(be, "tail.0", last, GroupNorm.DEFAULT_GROUPS,
                config.normEps()), scratch);
        this.tailConv = new Conv2d(be, "tail.2", last, config.outputChannels(), Conv2dSpec.same3x3(), 0.0, rng);
        for (int i = 0; i < down.size(); i++) {
            downIsSkip.add(i + 1 >= down.size() || !(down.get(i + 1) instanceof AttnBlock));
        }
    }

    private List<UNetLayer> layers(Part part) {
        return switch (part) {
            case DOWN -> down;
            case MID -> mid;
            case UP -> up;
        };
    }

    /** The three paths of the network between head and tail. */
    enum Part { DOWN, MID, UP }

    /** The layers {@link #plan} lays out, in order. */
    interface Plan {
        void resBlock(Part part, String name, int in, int out);

        void attention(Part part, String name, int channels);

        void downsample(String name, int channels);

        void upsample(String name, int channels);
    }

    /**
     * The one description of the layers between head and tail, in order, with their names and channels: the
     * constructor builds from it, and {@link #parameterCount(UNetConfig)} counts from it without allocating.
     *
     * @return the channels entering the tail
     */
    static int plan(UNetConfig config, Plan to) {
        int ch = config.channels();
        List<Integer> skipChannels = new ArrayList<>(List.of(ch));
        int now = ch, res = config.imageSize(), downs = 0, ups = 0;
        int[] mult = config.channelMult();
        for (int level = 0; level < mult.length; level++) {
            int out = ch * mult[level];
            for (int b = 0; b < config.resBlocks(); b++) {
                to.resBlock(Part.DOWN, "down." + downs++, now, out);
                now = out;
                if (config.attentionResolutions().contains(res)) {
                    to.attention(Part.DOWN, "down." + downs++ + ".attn", now);
                }
                skipChannels.add(now);
            }
            if (level != mult.length - 1) {
                to.downsample("down." + downs++, now);
                skipChannels.add(now);
                res /= 2;
            }
        }
        to.resBlock(Part.MID, "mid.0", now, now);
        to.attention(Part.MID, "mid.1.attn", now);
        to.resBlock(Part.MID, "mid.2", now, now);
        for (int level = mult.length - 1; level >= 0; level--) {
            int out = ch * mult[level];
            for (int b = 0; b < config.resBlocks() + 1; b++) {
                int skip = skipChannels.remove(skipChannels.size() - 1);
                to.resBlock(Part.UP, "up." + ups++, now + skip, out);
                now = out;
                if (config.attentionResolutions().contains(res)) {
                    to.attention(Part.UP, "up." + ups++ + ".attn", now);
                }
            }
            if (level != 0) {
                to.upsample("up." + ups++, now);
                res *= 2;
            }
        }
        return now;
    }

    /**
     * The number of scalar parameters a U-Net of {@code config} has, counted without building it: what a checkpoint
     * must hold before a model is allocated for it.
     */
    static long parameterCount(UNetConfig config) {
        int tdim = TimestepEmbedding.dimension(config.channels());
        long[] total = {TimestepEmbedding.parameterCount(config.channels(), config.numClasses())
                + Conv2d.parameterCount(config.imageChannels(), config.channels(), Conv2dSpec.same3x3())};
        int last = plan(config, new Plan() {
            @Override
            public void resBlock(Part part, String name, int in, int out) {
                total[0] += ResBlock.parameterCount(in, out, tdim);
            }

            @Override
            public void attention(Part part, String name, int channels) {
                total[0] += AttnBlock.parameterCount(channels);
            }

            @Override
            public void downsample(String name, int channels) {
                total[0] += Downsample.parameterCount(channels);
            }

            @Override
            public void upsample(String name, int channels) {
                total[0] += Upsample.parameterCount(channels);
            }
        });
        return total[0] + GroupNorm.parameterCount(last)
                + Conv2d.parameterCount(last, config.outputChannels(), Conv2dSpec.same3x3());
    }

    /** The configuration it was built with (stored in checkpoints). */
    public UNetConfig config() {
        return config;
    }

    @Override
    public Backend backend() {
        return be;
    }

    @Override
    public Tensor forward(Tensor x, int[] timesteps, int[] labels, ForwardContext ctx) {
        checkInput(x, timesteps);
        timeEmbedding = temb.forward(timesteps, labels);
        skips.clear();
        Tensor h = head.forward(x);
        skips.add(h);
        for (int i = 0; i < down.size(); i++) {
            h = down.get(i).forward(h, timeEmbedding, ctx);
            if (downIsSkip.get(i)) {
                skips.add(h);
            }
        }
        for (UNetLayer layer : mid) {
            h = layer.forward(h, timeEmbedding, ctx);
        }
        int next = skips.size() - 1, concatIndex = 0;
        for (UNetLayer layer : up) {
            if (layer instanceof ResBlock) {
                Tensor skip = skips.get(next--);
                Tensor cat = concatBuffer(concatIndex++, h, skip);
                be.concatChannels(h, skip, cat);
                h = cat;
            }
            h = layer.forward(h, timeEmbedding, ctx);
        }
        return tailConv.forward(tailNormAct.forward(h));
    }

    @Override
    public void backward(Tensor gradOutput) {
        gradTimeEmbedding = Buffers.ensureZeroed(gradTimeEmbedding, timeEmbedding.shape());
        for (int i = 0; i < skips.size(); i++) {
            Tensor s = skips.get(i);
            if (skipGrads.size() <= i) {
                skipGrads.add(null);
            }
            skipGrads.set(i, Buffers.ensureZeroed(skipGrads.get(i), s.shape()));
        }
        int[] tailShape = tailConv.inputShape();
        Tensor g = tailConv.backward(gradOutput, scratch.other(tailShape, gradOutput));
        // The tail's input gradient goes to the up path's blocks: a path gradient.
        g = tailNormAct.backward(g, scratch.pathGradient(tailShape));
        // Up path in reverse: a ResBlock's input gradient splits into the path below and its skip.
        int concatIndex = concatBuffers.size() - 1;
        int skipIndex = 0;
        for (int i = up.size() - 1; i >= 0; i--) {
            UNetLayer layer = up.get(i);
            g = layer.backward(g, gradTimeEmbedding);
            if (layer instanceof ResBlock) {
                Tensor cat = concatBuffers.get(concatIndex);
                Tensor skip = skipGrads.get(skipIndex++);
                int pathChannels = cat.dim(1) - skip.dim(1);
                Tensor path = scratch.pathGradient(new int[] {cat.dim(0), pathChannels, cat.dim(2), cat.dim(3)}, g)
                        .zero();
                be.splitChannelsBackward(g, path, skip);
                g = path;
                concatIndex--;
            }
        }
        for (int i = mid.size() - 1; i >= 0; i--) {
            g = mid.get(i).backward(g, gradTimeEmbedding);
        }
        // Down path in reverse: each skip activation first collects the gradient routed back from the way up.
        int k = skips.size() - 1;
        for (int i = down.size() - 1; i >= 0; i--) {
            if (downIsSkip.get(i)) {
                be.axpy(1f, skipGrads.get(k--), g);
            }
            g = down.get(i).backward(g, gradTimeEmbedding);
        }
        be.axpy(1f, skipGrads.get(0), g);
        head.backward(g, false);
        temb.backward(gradTimeEmbedding);
    }

    private Tensor concatBuffer(int index, Tensor h, Tensor skip) {
        while (concatBuffers.size() <= index) {
            concatBuffers.add(null);
        }
        Tensor t = Buffers.ensure(concatBuffers.get(index), h.dim(0), h.dim(1) + skip.dim(1), h.dim(2), h.dim(3));
        concatBuffers.set(index, t);
        return t;
    }

    private void checkInput(Tensor x, int[] timesteps) {
        if (!x.hasShape(x.dim(0), config.imageChannels(), config.imageSize(), config.imageSize()) || x.rank() != 4) {
            throw new IllegalArgumentException("UNet: input " + x.shapeString() + " must be [B, "
                    + config.imageChannels() + ", " + config.imageSize() + ", " + config.imageSize() + "]");
        }
        if (timesteps.length != x.dim(0)) {
            throw new IllegalArgumentException("UNet: " + timesteps.length + " timesteps for a batch of " + x.dim(0));
        }
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>(temb.parameters());
        ps.addAll(head.parameters());
        for (UNetLayer l : down) {
            ps.addAll(l.parameters());
        }
        for (UNetLayer l : mid) {
            ps.addAll(l.parameters());
        }
        for (UNetLayer l : up) {
            ps.addAll(l.parameters());
        }
        ps.addAll(tailNormAct.parameters());
        ps.addAll(tailConv.parameters());
        return ps;
    }

    @Override
    public int numClasses() {
        return config.numClasses();
    }
}
