package org.ddpm4j.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/**
 * A denoiser for low-dimensional data (2-D toy sets, short binary sequences): the sample concatenated with the
 * sinusoidal embedding of t (plus a learned class embedding when conditional), then {@code hiddenLayers} blocks of
 * {@code Linear → SiLU} and an output {@code Linear} back to the data dimension. Parameters: {@code net.<i>.weight},
 * {@code net.<i>.bias} (i = 0, 2, 4, ... as in a PyTorch {@code nn.Sequential} with activations between) and
 * {@code class_emb.weight}.
 */
public final class MlpDenoiser implements Denoiser {

    /**
     * @param dataDim      size of one sample
     * @param hidden       width of the hidden layers
     * @param hiddenLayers number of hidden Linear–SiLU blocks (at least 1)
     * @param timeDim      width of the sinusoidal time embedding (even, at least 4)
     * @param numClasses   0, or the number of classes (the embedding gets one more "no class" row)
     * @param learnedVariance whether the output has {@code 2·dataDim} values per sample: the mean part, then the
     *                        variance interpolation v of a learned reverse-process variance (Nichol &amp; Dhariwal)
     */
    public record Config(int dataDim, int hidden, int hiddenLayers, int timeDim, int numClasses,
                         boolean learnedVariance) implements ModelConfig {
        /** A model with a fixed reverse-process variance: the output has {@code dataDim} values per sample. */
        public Config(int dataDim, int hidden, int hiddenLayers, int timeDim, int numClasses) {
            this(dataDim, hidden, hiddenLayers, timeDim, numClasses, false);
        }

        public Config {
            if (dataDim < 1 || hidden < 1 || hiddenLayers < 1 || timeDim < 4 || timeDim % 2 != 0 || numClasses < 0) {
                throw new IllegalArgumentException("MLP denoiser: bad config " + dataDim + "/" + hidden + "/"
                        + hiddenLayers + "/" + timeDim + "/" + numClasses);
            }
        }

        /** This config with or without the learned-variance outputs. */
        public Config withLearnedVariance(boolean learned) {
            return new Config(dataDim, hidden, hiddenLayers, timeDim, numClasses, learned);
        }

        /** Values per sample of the output. */
        public int outputDim() {
            return learnedVariance ? 2 * dataDim : dataDim;
        }
    }

    private final Config config;
    private final Backend be;
    private final List<Linear> layers = new ArrayList<>();
    private final List<SiLU> activations = new ArrayList<>();
    private final ClassEmbedding classEmbedding;
    private Tensor timeEmbedding;
    private Tensor input;
    private Tensor gradTime;
    private int[] labels;

    /** A freshly initialised MLP (fan-average uniform weights, zero biases; class embedding N(0, 1)). */
    public MlpDenoiser(Config config, Backend be, RandomGenerator rng) {
        this.config = config;
        this.be = be;
        int in = config.dataDim() + config.timeDim();
        for (int i = 0; i < config.hiddenLayers(); i++) {
            layers.add(new Linear(be, "net." + 2 * i, in, config.hidden(), 1.0, rng));
            activations.add(new SiLU(be));
            in = config.hidden();
        }
        layers.add(new Linear(be, "net." + 2 * config.hiddenLayers(), in, config.outputDim(), 1.0, rng));
        classEmbedding = config.numClasses() > 0
                ? new ClassEmbedding(be, config.numClasses(), config.timeDim(), rng) : null;
    }

    /** A network with the same configuration and weights whose ops run on {@code other}. */
    public MlpDenoiser copyTo(Backend other) {
        MlpDenoiser copy = new MlpDenoiser(config, other, new java.util.SplittableRandom(0));
        List<Parameter> from = parameters(), to = copy.parameters();
        for (int i = 0; i < from.size(); i++) {
            to.get(i).value().copyFrom(from.get(i).value());
        }
        return copy;
    }

    /** The configuration it was built with (stored in checkpoints). */
    public Config config() {
        return config;
    }

    @Override
    public Backend backend() {
        return be;
    }

    @Override
    public Tensor forward(Tensor x, int[] timesteps, int[] labels, ForwardContext ctx) {
        int b = x.dim(0);
        if (x.rank() != 2 || x.dim(1) != config.dataDim() || timesteps.length != b) {
            throw new IllegalArgumentException("MLP denoiser: input " + x.shapeString() + " must be [B, "
                    + config.dataDim() + "] with one timestep per row (got " + timesteps.length + ")");
        }
        if (labels != null && classEmbedding == null) {
            throw new IllegalArgumentException("class labels given to an unconditional model");
        }
        timeEmbedding = Buffers.ensure(timeEmbedding, b, config.timeDim());
        TimestepEmbedding.sinusoidal(timesteps, config.timeDim(), timeEmbedding);
        this.labels = classEmbedding == null ? null : labels != null ? labels : noClass(b);
        if (this.labels != null) {
            classEmbedding.addRows(this.labels, timeEmbedding);
        }
        input = Buffers.ensure(input, b, config.dataDim() + config.timeDim());
        be.concatChannels(x, timeEmbedding, input);
        Tensor h = input;
        for (int i = 0; i < activations.size(); i++) {
            h = activations.get(i).forward(layers.get(i).forward(h));
        }
        return layers.get(layers.size() - 1).forward(h);
    }

    @Override
    public void backward(Tensor gradOutput) {
        Tensor g = layers.get(layers.size() - 1).backward(gradOutput);
        for (int i = activations.size() - 1; i >= 0; i--) {
            g = layers.get(i).backward(activations.get(i).backward(g));
        }
        if (labels != null) {
            // The class embedding entered through the time-embedding columns of the first layer's input.
            gradTime = Buffers.ensureZeroed(gradTime, labels.length, config.timeDim());
            be.splitChannelsBackward(g, null, gradTime);
            classEmbedding.backward(gradTime);
        }
    }

    private int[] noClass(int batch) {
        int[] l = new int[batch];
        java.util.Arrays.fill(l, config.numClasses());
        return l;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>();
        for (Linear l : layers) {
            ps.addAll(l.parameters());
        }
        if (classEmbedding != null) {
            ps.add(classEmbedding.parameter());
        }
        return ps;
    }

    @Override
    public int numClasses() {
        return config.numClasses();
    }
}
