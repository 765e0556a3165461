package org.ddpm4j.diffusion.sample;

import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.nn.ForwardContext;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/**
 * Classifier-free guidance's network call (Ho &amp; Salimans 2021, Eq. 6): one forward on the doubled batch
 * [x; x] with labels [c; no class], combined as (1 + w)·ε(z, c) − w·ε(z). The combination is affine, so it is the
 * same whether the network predicts ε, x₀ or μ̃; the learned-variance half of the output, if any, is taken from the
 * conditional call. Both run on the model's backend; buffers are allocated once per sampling run.
 */
final class GuidedCall {
    private final Denoiser model;
    private final double w;
    private final int batch;
    private final int dataPerSample;
    private final Tensor doubled;
    private final int[] doubledLabels;
    private final int[] doubledSteps;
    private Tensor conditional;
    private Tensor unconditional;
    private Tensor combined;
    /** The combination's coefficients per row of {@code dataPerSample} values: guided for a mean, 1·cond otherwise. */
    private float[] condCoef;
    private float[] uncondCoef;

    GuidedCall(Denoiser model, Tensor x, int[] labels, double w) {
        int classes = model.numClasses();
        this.batch = x.dim(0);
        if (classes == 0) {
            throw new IllegalArgumentException("guidance needs a class-conditional model (built with numClasses > 0)");
        }
        if (labels.length != batch) {
            throw new IllegalArgumentException("guidance: " + labels.length + " labels for a batch of " + batch);
        }
        this.model = model;
        this.w = w;
        this.dataPerSample = x.size() / batch;
        int[] shape = x.shape();
        shape[0] = 2 * batch;
        this.doubled = Tensor.zeros(shape);
        this.doubledLabels = new int[2 * batch];
        System.arraycopy(labels, 0, doubledLabels, 0, batch);
        java.util.Arrays.fill(doubledLabels, batch, 2 * batch, classes);
        this.doubledSteps = new int[2 * batch];
    }

    /** The guided output for x at training step {@code step}: the shape of one call on x. */
    Tensor forward(Tensor x, int step) {
        Backend be = model.backend();
        Tensor flat = x.reshape(1, x.size());
        be.concatChannels(flat, flat, doubled.reshape(1, doubled.size()));
        java.util.Arrays.fill(doubledSteps, step);
        Tensor out = model.forward(doubled, doubledSteps, doubledLabels, ForwardContext.inference());
        if (combined == null) {
            int[] shape = out.shape();
            shape[0] = batch;
            combined = Tensor.zeros(shape);
            conditional = combined.zerosLike();
            unconditional = combined.zerosLike();
            // Rows of dataPerSample values: a sample's mean part is guided, a learned variance part (if any) is the
            // conditional one.
            int rowsPerSample = combined.size() / batch / dataPerSample;
            condCoef = new float[batch * rowsPerSample];
            uncondCoef = new float[condCoef.length];
            for (int r = 0; r < condCoef.length; r++) {
                boolean mean = r % rowsPerSample == 0;
                condCoef[r] = mean ? (float) (1 + w) : 1f;
                uncondCoef[r] = mean ? (float) -w : 0f;
            }
        }
        int half = out.size() / 2;
        be.splitChannelsBackward(out.reshape(1, out.size()), conditional.zero().reshape(1, half),
                unconditional.zero().reshape(1, half));
        int[] rows = {condCoef.length, dataPerSample};
        be.combinePerSample(conditional.reshape(rows), condCoef, unconditional.reshape(rows), uncondCoef,
                combined.reshape(rows));
        return combined;
    }
}
