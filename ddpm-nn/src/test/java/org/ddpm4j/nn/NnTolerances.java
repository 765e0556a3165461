package org.ddpm4j.nn;

/** Tolerances of the model-level tests, {@code |actual − expected| <= abs + rel·|expected|}. */
final class NnTolerances {
    private NnTolerances() {
    }

    /** A whole U-Net on the SIMD or OpenCL backend against the scalar reference: many ops' rounding adds up. */
    static final double KERNELS_VS_SCALAR_ABS = 1e-3;
    static final double KERNELS_VS_SCALAR_REL = 1e-3;
    /** An Adam step's size relative to the learning rate where |g| ≫ ε: m̂/√v̂ = ±1 on the first step, in float32. */
    static final double FIRST_ADAM_STEP_REL = 1e-3;
    /**
     * Backward against central differences of the float32 forward on the double-accumulating scalar backend:
     * with step {@link #FD_STEP} the rounding of the outputs (~1e-7 relative) contributes ~1e-5 relative.
     */
    static final double GRADIENT_ABS = 2e-3;
    static final double GRADIENT_REL = 2e-2;
    static final double FD_STEP = 1e-2;
    /** Against PyTorch's float32 U-Net in the golden file. */
    static final double PYTORCH_ABS = 2e-4;
    static final double PYTORCH_REL = 2e-3;

    static boolean close(double expected, double actual, double abs, double rel) {
        return Math.abs(actual - expected) <= abs + rel * Math.abs(expected);
    }
}
