package org.ddpm4j.tensor.check;

/**
 * One output of one op on a backend against the same output of the scalar reference.
 *
 * @param op             the op and its case, e.g. {@code conv2d 3x3 s1 N2 64->64 16x16}
 * @param output         which of its outputs, e.g. {@code dw}
 * @param values         how many values were compared
 * @param worstAbsError  the largest {@code |actual − expected|} (infinite when a value is NaN or infinite)
 * @param worstFraction  the largest error as a fraction of the tolerance at that value; at most 1 passes
 * @param outOfTolerance how many values failed the tolerance (non-finite ones included)
 * @param tolerance      the tolerance applied
 */
public record OpComparison(String op, String output, int values, double worstAbsError, double worstFraction,
                           int outOfTolerance, Tolerance tolerance) {
    /** True when every value was within the tolerance. */
    public boolean passed() {
        return outOfTolerance == 0;
    }

    /** Compares {@code actual} with {@code expected}, value by value. */
    static OpComparison of(String op, String output, double[] expected, double[] actual, Tolerance tolerance) {
        if (expected.length != actual.length) {
            throw new IllegalStateException(op + " " + output + ": " + actual.length + " values but the reference has "
                    + expected.length);
        }
        double largest = 0;
        for (double e : expected) {
            largest = Math.max(largest, Math.abs(e));
        }
        double worstAbs = 0, worstFraction = 0;
        int bad = 0;
        for (int i = 0; i < expected.length; i++) {
            double fraction = tolerance.fractionUsed(expected[i], actual[i], largest);
            if (!(fraction <= 1)) {
                bad++;
            }
            worstFraction = Math.max(worstFraction, fraction);
            worstAbs = Math.max(worstAbs, Double.isFinite(actual[i]) ? Math.abs(actual[i] - expected[i])
                    : Double.POSITIVE_INFINITY);
        }
        return new OpComparison(op, output, expected.length, worstAbs, worstFraction, bad, tolerance);
    }
}
