package org.ddpm4j.nn.optim;

import java.util.ArrayList;
import java.util.List;
import org.ddpm4j.nn.Parameter;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/**
 * Exponential moving average of the parameters (DDPM samples from it, decay 0.9999):
 * {@code shadow ← d·shadow + (1 − d)·θ} after each step, and a swap that puts the averaged weights into the model for
 * sampling and back afterwards. The effective decay warms up as TensorFlow's moving average with
 * {@code num_updates} does, {@code d = min(decay, (1 + n)/(10 + n))} after n updates: with a fixed 0.9999 the
 * average of a 650-step run would still be 0.9999^650 ≈ 94% the random initial weights.
 */
public final class Ema {
    private final Backend be;
    private final List<Parameter> params;
    private final List<Tensor> shadow = new ArrayList<>();
    private final double decay;
    private long updates;
    private boolean swapped;

    /**
     * Starts the average at the parameters' current values; updates run on {@code be} (on the device for the OpenCL
     * backend, where the weights stay between steps).
     *
     * @param decay in [0, 1), e.g. DDPM's 0.9999
     */
    public Ema(Backend be, List<Parameter> params, double decay) {
        this.be = be;
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("EMA decay must be in [0, 1) but was " + decay);
        }
        this.params = List.copyOf(params);
        this.decay = decay;
        for (Parameter p : params) {
            shadow.add(p.value().copy());
        }
    }

    /**
     * Moves the average towards the current weights with decay min(decay, (1 + n)/(10 + n)) after n updates.
     *
     * @throws IllegalStateException while the averaged weights are swapped in
     */
    public void update() {
        if (swapped) {
            throw new IllegalStateException("EMA: update while the averaged weights are swapped in");
        }
        updates++;
        double effective = Math.min(decay, (1.0 + updates) / (10.0 + updates));
        float d = (float) effective, keep = (float) (1 - effective);
        for (int i = 0; i < params.size(); i++) {
            be.axpby(keep, params.get(i).value(), d, shadow.get(i));
        }
    }

    /** Exchanges the model's weights with the averaged ones; call again to exchange them back. */
    public void swap() {
        for (int i = 0; i < params.size(); i++) {
            Tensor s = shadow.get(i), w = params.get(i).value(), held = s.zerosLike();
            be.copy(s, held);
            be.copy(w, s);
            be.copy(held, w);
        }
        swapped = !swapped;
    }

    /** The decay it was built with. */
    public double decay() {
        return decay;
    }

    /** Updates so far (they set the warm-up of the decay; saved in checkpoints). */
    public long updates() {
        return updates;
    }

    /** Restores the update count (from a checkpoint). */
    public void setUpdates(long n) {
        this.updates = n;
    }

    /** The averaged weights (or, while swapped, the training weights), parallel to the parameters. */
    public List<Tensor> shadow() {
        return shadow;
    }
}
