package org.ddpm4j.nn;

import java.util.random.RandomGenerator;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/**
 * A learned embedding per class label ({@code class_emb.weight}, {@code numClasses + 1} rows of N(0, 1) values, the
 * last row meaning "no class" for classifier-free guidance), added to a conditioning vector.
 *
 * <p>The row lookup is a product with the batch's one-hot label matrix, so it runs on the backend that holds the
 * table: only the labels travel, never the table or the activations.
 */
final class ClassEmbedding {
    private final Backend be;
    private final Parameter table;
    private Tensor oneHot;

    ClassEmbedding(Backend be, int numClasses, int width, RandomGenerator rng) {
        this.be = be;
        float[] values = new float[(numClasses + 1) * width];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) rng.nextGaussian();
        }
        this.table = new Parameter("class_emb.weight", Tensor.of(values, numClasses + 1, width));
    }

    /** Its parameters, as a constructor allocates them. */
    static long parameterCount(int numClasses, int width) {
        return (long) (numClasses + 1) * width;
    }

    Parameter parameter() {
        return table;
    }

    /** The label of the "no class" row. */
    int noClass() {
        return table.value().dim(0) - 1;
    }

    /** {@code out[i] += table[labels[i]]} for {@code out [B, width]}. */
    void addRows(int[] labels, Tensor out) {
        oneHot = oneHot(labels, out.dim(0));
        be.matmul(oneHot, false, table.value(), false, out, 1f, true);
    }

    /** Backward of {@link #addRows} for the same labels: {@code grad(table)[labels[i]] += gradOut[i]}. */
    void backward(Tensor gradOut) {
        be.matmul(oneHot, true, gradOut, false, table.grad(), 1f, true);
    }

    private Tensor oneHot(int[] labels, int batch) {
        if (labels.length != batch) {
            throw new IllegalArgumentException("got " + labels.length + " labels for a batch of " + batch);
        }
        int rows = table.value().dim(0);
        float[] values = new float[batch * rows];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= rows) {
                throw new IllegalArgumentException("label " + labels[i] + " at index " + i + " is outside [0, "
                        + rows + ") (the last row is 'no class')");
            }
            values[i * rows + labels[i]] = 1f;
        }
        return Buffers.ensure(oneHot, batch, rows).copyFrom(values);
    }
}
