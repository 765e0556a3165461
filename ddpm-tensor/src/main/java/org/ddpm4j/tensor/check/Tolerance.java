package org.ddpm4j.tensor.check;

/**
 * How far a backend's value may lie from the scalar reference's: a value passes when
 * {@code |actual − expected| <= abs + rel·|expected| + ofLargest·max|expected|}, the maximum taken over the output.
 *
 * @param abs       the absolute term
 * @param rel       the term relative to the value itself
 * @param ofLargest the term relative to the output's largest magnitude
 */
public record Tolerance(double abs, double rel, double ofLargest) {
    /** A float32 kernel against the reference, which accumulates in double in another order. */
    public static final Tolerance KERNEL_VS_REFERENCE = new Tolerance(2e-4, 2e-4, 0);
    /**
     * A convolution's outputs and gradients. Winograd F(4×4, 3×3) transforms, with coefficients up to 8, round to a
     * few parts in a million of the output's largest magnitude (not of each value's), so a value that sums to near
     * zero may miss the kernel tolerance by far more than its own size while the convolution is as exact as it gets.
     */
    public static final Tolerance CONVOLUTION = new Tolerance(2e-4, 2e-4, 2e-5);
    /**
     * A reduction returned in double. A device backend sums float32 partials (compensated) before the double sum on
     * the host; the absolute term covers sums that cancel to near zero.
     */
    public static final Tolerance REDUCTION = new Tolerance(1e-4, 1e-6, 0);

    /** @throws IllegalArgumentException for a negative or NaN term */
    public Tolerance {
        if (!(abs >= 0) || !(rel >= 0) || !(ofLargest >= 0)) {
            throw new IllegalArgumentException("tolerance terms must be non-negative, got abs " + abs + ", rel " + rel
                    + ", of largest " + ofLargest);
        }
    }

    /**
     * The error as a fraction of what this tolerance allows at {@code expected} (at most 1 passes).
     *
     * @param largest the largest |expected| of the output
     */
    public double fractionUsed(double expected, double actual, double largest) {
        if (!Double.isFinite(actual)) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.abs(actual - expected) / (abs + rel * Math.abs(expected) + ofLargest * largest);
    }
}
