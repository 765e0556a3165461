package org.ddpm4j.tensor;

/**
 * Every tolerance of the engine's tests in one place: an element passes when
 * {@code |actual − expected| <= abs + rel·|expected|}.
 */
final class Tolerances {
    private Tolerances() {
    }

    /** An optimised float32 kernel against the double-accumulating scalar reference (different summation order). */
    static final Tolerance KERNEL_VS_REFERENCE = new Tolerance(2e-4, 2e-4);
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
     * The absolute term covers sums that cancel to near zero.
     */
    static final Tolerance FLOAT_PARTIAL_REDUCTION = new Tolerance(1e-4, 1e-6);
    /** Step of the central finite differences (in double, on inputs of order 1). */
    static final double FINITE_DIFFERENCE_STEP = 1e-5;

    record Tolerance(double abs, double rel) {
        boolean accepts(double expected, double actual) {
            return Math.abs(actual - expected) <= abs + rel * Math.abs(expected);
        }
    }
}
