package org.ddpm4j.tensor.opencl;

/**
 * Self-attention backward in four passes, with the score gradient dS held only on the device:
 * pass 0 {@code dP[i,j] = dO[:,i]·V[:,j]} and {@code dV[:,j] += Σ_i dO[:,i]·P[i,j]}; pass 1 the row sums
 * {@code Σ_j dP·P}; pass 2 {@code dS = P ⊙ (dP − rowsum)/√C}; pass 3 {@code dQ[:,i] += Σ_j dS[i,j]·K[:,j]} and
 * {@code dK[:,i] += Σ_j dS[j,i]·Q[:,j]}. Every element of dq, dk and dv is written by exactly one work item.
 */
final class AttentionBackwardKernel extends DeviceKernel {
    float[] q = new float[1];
    float[] k = new float[1];
    float[] v = new float[1];
    float[] probs = new float[1];
    float[] dout = new float[1];
    float[] dq = new float[1];
    float[] dk = new float[1];
    float[] dv = new float[1];
    /** Device-only scratch: dP, then dS, [B, T, T]. */
    float[] scoreGrad = new float[1];
    /** Device-only scratch: Σ_j dP·P per (batch, row). */
    float[] rowDot = new float[1];
    int channels;
    int positions;
    float scale;
    int scoreItems;
    int rowItems;
    int channelItems;

    AttentionBackwardKernel(DeviceRuntime runtime) {
        super(runtime);
    }

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
        int c = channels;
        int pass = getPassId();
        // One flat condition per role: Aparapi's translator rejects an if nested directly in an if/else chain.
        if (pass == 0 && id < scoreItems) {
            int j = id % t;
            int i = (id / t) % t;
            int b = id / (t * t);
            int o0 = b * c * t;
            float s = 0f;
            for (int ch = 0; ch < c; ch++) {
                s += dout[o0 + ch * t + i] * v[o0 + ch * t + j];
            }
            scoreGrad[id] = s;
        }
        if (pass == 0 && id < channelItems) {
            int j = id % t;
            int ch = (id / t) % c;
            int b = id / (t * c);
            int o0 = b * c * t;
            int p0 = b * t * t;
            float s = 0f;
            for (int i = 0; i < t; i++) {
                s += dout[o0 + ch * t + i] * probs[p0 + i * t + j];
            }
            dv[id] = dv[id] + s;
        }
        if (pass == 1 && id < rowItems) {
            int off = id * t;
            float s = 0f;
            for (int j = 0; j < t; j++) {
                s += scoreGrad[off + j] * probs[off + j];
            }
            rowDot[id] = s;
        }
        if (pass == 2 && id < scoreItems) {
            scoreGrad[id] = probs[id] * (scoreGrad[id] - rowDot[id / t]) * scale;
        }
        if (pass == 3 && id < channelItems) {
            int i = id % t;
            int ch = (id / t) % c;
            int b = id / (t * c);
            int x0 = b * c * t;
            int p0 = b * t * t;
            float sq = 0f;
            float sk = 0f;
            for (int j = 0; j < t; j++) {
                sq += scoreGrad[p0 + i * t + j] * k[x0 + ch * t + j];
                sk += scoreGrad[p0 + j * t + i] * q[x0 + ch * t + j];
            }
            dq[id] = dq[id] + sq;
            dk[id] = dk[id] + sk;
        }
    }
}
