package org.ddpm4j.tensor.opencl;

/**
 * Self-attention forward in three passes over one launch, so the scores never leave the device between them:
 * pass 0 {@code S[i,j] = Q[:,i]·K[:,j]/√C} per (batch, i, j); pass 1 a max-shifted softmax per row; pass 2
 * {@code out[:,i] = Σ_j P[i,j]·V[:,j]} per (batch, channel, i). q, k, v and out are {@code [B, C, T]}.
 */
final class AttentionKernel extends DeviceKernel {
    float[] q = new float[1];
    float[] k = new float[1];
    float[] v = new float[1];
    float[] probs = new float[1];
    float[] out = new float[1];
    int channels;
    int positions;
    float scale;
    int scoreItems;
    int rowItems;
    int outItems;

    AttentionKernel(DeviceRuntime runtime) {
        super(runtime);
    }

    @Override
    public void run() {
        int id = getGlobalId();
        int t = positions;
        int pass = getPassId();
        // One flat condition per pass: Aparapi's translator rejects an if nested directly in an if/else chain.
        if (pass == 0 && id < scoreItems) {
            int j = id % t;
            int i = (id / t) % t;
            int x0 = (id / (t * t)) * channels * t;
            float s = 0f;
            for (int ch = 0; ch < channels; ch++) {
                s += q[x0 + ch * t + i] * k[x0 + ch * t + j];
            }
            probs[id] = s * scale;
        }
        if (pass == 1 && id < rowItems) {
            int off = id * t;
            float max = probs[off];
            for (int j = 1; j < t; j++) {
                max = max(max, probs[off + j]);
            }
            float sum = 0f;
            for (int j = 0; j < t; j++) {
                float e = exp(probs[off + j] - max);
                probs[off + j] = e;
                sum += e;
            }
            float inv = 1f / sum;
            for (int j = 0; j < t; j++) {
                probs[off + j] = probs[off + j] * inv;
            }
        }
        if (pass == 2 && id < outItems) {
            int i = id % t;
            int ch = (id / t) % channels;
            int b = id / (t * channels);
            int v0 = b * channels * t;
            int p0 = b * t * t + i * t;
            float s = 0f;
            for (int j = 0; j < t; j++) {
                s += probs[p0 + j] * v[v0 + ch * t + j];
            }
            out[id] = s;
        }
    }
}
