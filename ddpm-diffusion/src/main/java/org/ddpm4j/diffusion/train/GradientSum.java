package org.ddpm4j.diffusion.train;

import java.io.Serializable;
import java.util.List;
import org.ddpm4j.nn.Parameter;

/**
 * The weighted sum of micro-batches' gradients, flattened in parameter order ({@link FlatParameters}). Micro-batches
 * are added in rank order whoever computed them, and a worker's partial sum of consecutive micro-batches is added as
 * one ({@link #add(GradientSum)}), so the same gradients give the same bits in one process or across workers.
 */
public final class GradientSum implements Serializable {
    private static final long serialVersionUID = 1L;

    private final float[] sum;
    private double loss;

    /** An empty sum over {@code length} gradient values. */
    public GradientSum(int length) {
        this.sum = new float[length];
    }

    /**
     * Adds a micro-batch's gradient and mean loss with weight {@code share} (its samples over the global batch's).
     *
     * @throws IllegalArgumentException when the gradient's length is not the sum's
     */
    public void add(float[] gradient, double loss, double share) {
        if (gradient.length != sum.length) {
            throw new IllegalArgumentException("a gradient of " + gradient.length + " values added to a sum of "
                    + sum.length);
        }
        float w = (float) share;
        for (int i = 0; i < sum.length; i++) {
            sum[i] += w * gradient[i];
        }
        this.loss += share * loss;
    }

    /**
     * Adds another sum (a worker's micro-batches, already weighted) as it is.
     *
     * @throws IllegalArgumentException when its length is not this sum's
     */
    public void add(GradientSum part) {
        if (part.sum.length != sum.length) {
            throw new IllegalArgumentException("a sum of " + part.sum.length + " values added to a sum of "
                    + sum.length);
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] += part.sum[i];
        }
        this.loss += part.loss;
    }

    /** The number of gradient values. */
    public int length() {
        return sum.length;
    }

    /** The weighted mean loss so far. */
    public double loss() {
        return loss;
    }

    /** Writes the sum into the gradients of {@code params}. */
    public void writeTo(List<Parameter> params) {
        FlatParameters.scatter(sum, params, Parameter::grad);
    }
}
