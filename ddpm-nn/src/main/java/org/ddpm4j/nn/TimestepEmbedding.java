package org.ddpm4j.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/**
 * The timestep embedding of DDPM: the Transformer sinusoidal embedding of t (Vaswani et al.; DDPM Appendix B),
 * then {@code Linear(ch, 4ch) → SiLU → Linear(4ch, 4ch)} ({@code temb.0}, {@code temb.2}), plus an optional learned
 * class embedding ({@code class_emb.weight}, {@code numClasses + 1} rows, the last meaning "no class" for
 * classifier-free guidance). {@link #forward} returns {@code silu(temb)}, the form every block consumes.
 */
public final class TimestepEmbedding implements Module {
    private final Backend be;
    private final int channels;
    private final Linear dense0;
    private final SiLU act0;
    private final Linear dense1;
    private final ClassEmbedding classEmbedding;
    private final SiLU blockActivation;
    private int[] labels;
    private Tensor sinusoid;
    private Tensor gradTemb;

    /** The width of the embedding for base channel count {@code channels}: 4·ch. */
    static int dimension(int channels) {
        return 4 * channels;
    }

    /** The parameters of the embedding, as the constructor allocates them: two dense layers and the class table. */
    static long parameterCount(int channels, int numClasses) {
        return Linear.parameterCount(channels, dimension(channels))
                + Linear.parameterCount(dimension(channels), dimension(channels))
                + (numClasses > 0 ? ClassEmbedding.parameterCount(numClasses, dimension(channels)) : 0);
    }

    public TimestepEmbedding(Backend be, int channels, int numClasses, RandomGenerator rng) {
        if (channels % 2 != 0 || channels < 4) {
            throw new IllegalArgumentException("timestep embedding: channels must be even and at least 4 but was " + channels);
        }
        this.be = be;
        this.channels = channels;
        this.dense0 = new Linear(be, "temb.0", channels, dimension(channels), 1.0, rng);
        this.act0 = new SiLU(be);
        this.dense1 = new Linear(be, "temb.2", dimension(channels), dimension(channels), 1.0, rng);
        this.blockActivation = new SiLU(be);
        this.classEmbedding = numClasses > 0 ? new ClassEmbedding(be, numClasses, dimension(channels), rng) : null;
    }

    /** Width of the embedding the blocks receive: 4·ch. */
    public int dim() {
        return dimension(channels);
    }

    /** {@code silu(MLP(sinusoid(t)) + E[label])}, shape {@code [B, 4ch]}. */
    public Tensor forward(int[] timesteps, int[] labels) {
        int b = timesteps.length;
        sinusoid = Buffers.ensure(sinusoid, b, channels);
        sinusoidal(timesteps, channels, sinusoid);
        Tensor temb = dense1.forward(act0.forward(dense0.forward(sinusoid)));
        if (labels != null && classEmbedding == null) {
            throw new IllegalArgumentException("class labels given to an unconditional model");
        }
        // A conditional model asked without labels runs unconditionally: every sample gets the "no class" row.
        this.labels = labels == null && classEmbedding != null ? noClass(b) : labels;
        labels = this.labels;
        if (labels != null) {
            classEmbedding.addRows(labels, temb);
        }
        return blockActivation.forward(temb);
    }

    /** Backward from the gradient of {@code silu(temb)} accumulated by all blocks. */
    public void backward(Tensor gradActivated) {
        gradTemb = blockActivation.backward(gradActivated);
        if (labels != null) {
            classEmbedding.backward(gradTemb);
        }
        dense0.backward(act0.backward(dense1.backward(gradTemb)));
    }

    /**
     * The sinusoidal embedding as in the DDPM code: with {@code half = dim/2} and
     * {@code f_i = exp(−i·ln(10000)/(half − 1))}, {@code emb = [sin(t·f), cos(t·f)]}.
     */
    public static void sinusoidal(int[] timesteps, int dim, Tensor out) {
        int half = dim / 2;
        double scale = Math.log(10000) / (half - 1);
        float[] d = new float[out.size()];
        for (int b = 0; b < timesteps.length; b++) {
            for (int i = 0; i < half; i++) {
                double arg = timesteps[b] * Math.exp(-scale * i);
                d[b * dim + i] = (float) Math.sin(arg);
                d[b * dim + half + i] = (float) Math.cos(arg);
            }
        }
        out.copyFrom(d);
    }

    private int[] noClass(int batch) {
        int[] l = new int[batch];
        java.util.Arrays.fill(l, classEmbedding.noClass());
        return l;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>(dense0.parameters());
        ps.addAll(dense1.parameters());
        if (classEmbedding != null) {
            ps.add(classEmbedding.parameter());
        }
        return ps;
    }
}
