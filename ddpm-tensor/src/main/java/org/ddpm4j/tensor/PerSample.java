package org.ddpm4j.tensor;

/** The shape rule of the per-sample ops: tensors of one shape {@code [B, ...]} and one coefficient per sample. */
public final class PerSample {
    private PerSample() {
    }

    /**
     * Checks {@link Backend#combinePerSample}'s operands and returns the number of values per sample.
     *
     * @throws IllegalArgumentException naming the op and the operand that does not fit
     */
    public static int check(String op, Tensor x, float[] a, Tensor y, float[] c, Tensor out) {
        ShapeCheck.requireSameShape(op, "x", x, "y", y);
        ShapeCheck.requireSameShape(op, "x", x, "out", out);
        if (x.rank() < 1 || x.dim(0) == 0) {
            throw new IllegalArgumentException(op + ": needs a batch [B, ...] with B >= 1, got " + x.shapeString());
        }
        int batch = x.dim(0);
        if (a.length != batch || c.length != batch) {
            throw new IllegalArgumentException(op + ": " + x.shapeString() + " has " + batch + " samples but the "
                    + "coefficients have " + a.length + " and " + c.length);
        }
        return x.size() / batch;
    }

    /**
     * Checks a per-sample reduction's operands ({@link Backend#meanSquaredErrorPerSample}) and returns the number of
     * values per sample.
     */
    public static int checkReduction(String op, Tensor pred, Tensor target, double[] out) {
        ShapeCheck.requireSameShape(op, "pred", pred, "target", target);
        if (pred.rank() < 1 || out.length != pred.dim(0) || out.length == 0) {
            throw new IllegalArgumentException(op + ": " + pred.shapeString() + " needs one slot per sample, but out has "
                    + out.length);
        }
        return pred.size() / out.length;
    }
}
