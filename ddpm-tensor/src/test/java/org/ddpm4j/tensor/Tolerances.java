package org.ddpm4j.tensor;

/**
 * Every tolerance of the engine's tests in one place: an element passes when
 * {@code |actual − expected| <= abs + rel·|expected|}.
 */
final class Tolerances {
    private Tolerances() {
    }

    /**
     * An optimised float32 kernel against the double-accumulating scalar reference (different summation order): the
     * bound {@code ddpm check} applies.
     */
    static final Tolerance KERNEL_VS_REFERENCE = of(org.ddpm4j.tensor.check.Tolerance.KERNEL_VS_REFERENCE);
    /** Hand-written backward in float32 against central differences of a double forward. */
    static final Tolerance GRADIENT_VS_FINITE_DIFFERENCE = new Tolerance(1e-4, 1e-4);
    /** Our float32 ops against PyTorch's float32 results stored in the golden files. */
    static final Tolerance VS_PYTORCH = new Tolerance(1e-4, 1e-4);
    /** Matmul against EJML's double-precision product. */
    static final Tolerance VS_EJML = new Tolerance(1e-4, 1e-4);
    /** Reductions accumulated in double, compared in relative terms. */
    static final Tolerance REDUCTION = new Tolerance(1e-9, 1e-6);
    /**
     * Reductions whose chunk partials are float32 (compensated) before a double sum on the host: the OpenCL backend.
     * The absolute term covers sums that cancel to near zero. The bound {@code ddpm check} applies to reductions.
     */
    static final Tolerance FLOAT_PARTIAL_REDUCTION = of(org.ddpm4j.tensor.check.Tolerance.REDUCTION);
    /** Step of the central finite differences (in double, on inputs of order 1). */
    static final double FINITE_DIFFERENCE_STEP = 1e-5;

    /** The absolute and relative terms of a check tolerance that has no term relative to the output's largest value. */
    private static Tolerance of(org.ddpm4j.tensor.check.Tolerance t) {
        if (t.ofLargest() != 0) {
            throw new IllegalArgumentException("the tests' tolerances have no term relative to the largest value");
        }
        return new Tolerance(t.abs(), t.rel());
    }

    record Tolerance(double abs, double rel) {
        boolean accepts(double expected, double actual) {
            return Math.abs(actual - expected) <= abs + rel * Math.abs(expected);
        }
    }
}
