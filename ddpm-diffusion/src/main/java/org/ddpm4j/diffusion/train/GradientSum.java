package org.ddpm4j.diffusion.train;

import java.util.List;
import java.util.function.Function;
import org.ddpm4j.nn.Parameter;
import org.ddpm4j.tensor.Tensor;

/**
 * The weighted sum of micro-batches' gradients, flattened in parameter order. Micro-batches are added in rank order
 * whoever computed them, so the same gradients give the same bits in one process or across workers.
 */
public final class GradientSum {
    private final float[] sum;
    private double loss;

    /** An empty sum over {@code length} gradient values. */
    public GradientSum(int length) {
        this.sum = new float[length];
    }

    /** The gradients of {@code params}, concatenated in their order. */
    public static float[] flatten(List<Parameter> params) {
        return concatenate(params, Parameter::grad);
    }

    /** One tensor of each parameter ({@code part}: its value or its gradient), concatenated in their order. */
    public static float[] concatenate(List<Parameter> params, Function<Parameter, Tensor> part) {
        float[] flat = new float[Math.toIntExact(params.stream().mapToLong(p -> part.apply(p).size()).sum())];
        int at = 0;
        for (Parameter p : params) {
            float[] g = part.apply(p).toArray();
            System.arraycopy(g, 0, flat, at, g.length);
            at += g.length;
        }
        return flat;
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

    /** The weighted mean loss so far. */
    public double loss() {
        return loss;
    }

    /** Writes the sum into the gradients of {@code params}, in the order {@link #flatten} reads them. */
    public void writeTo(List<Parameter> params) {
        int at = 0;
        for (Parameter p : params) {
            int n = p.grad().size();
            float[] part = new float[n];
            System.arraycopy(sum, at, part, 0, n);
            p.grad().copyFrom(part);
            at += n;
        }
    }
}
