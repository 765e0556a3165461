package org.ddpm4j.diffusion.train;

import java.util.List;
import java.util.function.Function;
import org.ddpm4j.nn.Parameter;
import org.ddpm4j.tensor.Tensor;

/**
 * One tensor of each parameter (its value or its gradient) as a single array, in parameter order, and back: how
 * weights and gradients travel between a trainer and its workers, and how micro-batches' gradients are summed.
 */
public final class FlatParameters {
    private FlatParameters() {
    }

    /** {@code part} of every parameter, concatenated in order. */
    public static float[] concatenate(List<Parameter> params, Function<Parameter, Tensor> part) {
        float[] flat = new float[Math.toIntExact(params.stream().mapToLong(p -> part.apply(p).size()).sum())];
        int at = 0;
        for (Parameter p : params) {
            float[] values = part.apply(p).toArray();
            System.arraycopy(values, 0, flat, at, values.length);
            at += values.length;
        }
        return flat;
    }

    /**
     * Writes {@code flat} into {@code part} of every parameter, in the order {@link #concatenate} reads them.
     *
     * @throws IllegalArgumentException when {@code flat} does not hold exactly as many values as the parameters
     */
    public static void scatter(float[] flat, List<Parameter> params, Function<Parameter, Tensor> part) {
        long expected = params.stream().mapToLong(p -> part.apply(p).size()).sum();
        if (flat.length != expected) {
            throw new IllegalArgumentException(flat.length + " values for parameters holding " + expected);
        }
        int at = 0;
        for (Parameter p : params) {
            Tensor t = part.apply(p);
            float[] values = new float[t.size()];
            System.arraycopy(flat, at, values, 0, values.length);
            t.copyFrom(values);
            at += values.length;
        }
    }
}
