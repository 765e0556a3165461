package org.ddpm4j.tensor.opencl;

/**
 * The softmax step of self-attention's backward, in place on the device: from {@code dP = dOᵀ·V} and the saved
 * {@code P}, pass 0 takes each row's {@code Σ_j dP·P}, pass 1 turns dP into {@code dS = P ⊙ (dP − rowsum)/√C}, the
 * gradient of the scores {@code QᵀK} (the products around it run on the tiled GEMM kernels).
 */
final class AttentionScoreGradientKernel extends DeviceKernel {
    float[] probs = new float[1];
    /** dP on entry, dS after pass 1: [B, T, T]. */
    float[] scoreGrad = new float[1];
    /** Device-only scratch: Σ_j dP·P per (batch, row). */
    float[] rowDot = new float[1];
    int positions;
    float scale;
    int scoreItems;
    int rowItems;

    AttentionScoreGradientKernel(DeviceRuntime runtime) {
        super(runtime);
    }

    /** Grows the scratch for {@code scores} score gradients over {@code rows} rows. */
    void ensureScratch(int scores, int rows) {
        if (scoreGrad.length < scores) {
            scoreGrad = new float[scores];
        }
        if (rowDot.length < rows) {
            rowDot = new float[rows];
        }
    }

    @Override
    public void run() {
        int id = getGlobalId();
        int t = positions;
        int pass = getPassId();
        if (pass == 0 && id < rowItems) {
            int off = id * t;
            float s = 0f;
            for (int j = 0; j < t; j++) {
                s += scoreGrad[off + j] * probs[off + j];
            }
            rowDot[id] = s;
        }
        if (pass == 1 && id < scoreItems) {
            scoreGrad[id] = probs[id] * (scoreGrad[id] - rowDot[id / t]) * scale;
        }
    }
}
