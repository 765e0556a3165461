package org.ddpm4j.nn;

import org.ddpm4j.tensor.Tensor;

/** Softmax cross-entropy of class logits, with its gradient: the classifier's training loss. */
public final class CrossEntropy {
    private CrossEntropy() {
    }

    /**
     * The mean over the batch of −log softmax(logits)[label] (nats), and into {@code grad} (same shape, overwritten)
     * its gradient (softmax − one-hot)/B.
     *
     * @param logits [B, K]
     * @param labels B labels in [0, K)
     */
    public static double lossAndGradient(Tensor logits, int[] labels, Tensor grad) {
        int b = logits.dim(0), k = logits.dim(1);
        if (logits.rank() != 2 || labels.length != b || !grad.hasShape(logits.shape())) {
            throw new IllegalArgumentException("cross-entropy: logits " + logits.shapeString() + ", " + labels.length
                    + " labels, gradient " + grad.shapeString());
        }
        float[] l = logits.toArray(), g = new float[grad.size()];
        double total = 0;
        for (int i = 0; i < b; i++) {
            if (labels[i] < 0 || labels[i] >= k) {
                throw new IllegalArgumentException("cross-entropy: label " + labels[i] + " at " + i + " outside [0, " + k + ")");
            }
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int c = 0; c < k; c++) {
                max = Math.max(max, l[i * k + c]);
            }
            for (int c = 0; c < k; c++) {
                sum += Math.exp(l[i * k + c] - max);
            }
            double logSum = max + Math.log(sum);
            total += logSum - l[i * k + labels[i]];
            for (int c = 0; c < k; c++) {
                double p = Math.exp(l[i * k + c] - logSum);
                g[i * k + c] = (float) ((p - (c == labels[i] ? 1 : 0)) / b);
            }
        }
        grad.copyFrom(g);
        return total / b;
    }
}
