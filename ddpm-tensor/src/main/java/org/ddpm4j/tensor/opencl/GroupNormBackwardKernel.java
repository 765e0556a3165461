package org.ddpm4j.tensor.opencl;

/**
 * Backward of group normalisation. With x̂ = (x − μ)·rstd and d = γ·dy: pass 0 sums d and d·x̂ per (sample, group)
 * into device-only scratch, and sums dy·x̂ and dy per channel into dγ and dβ; pass 1 applies
 * {@code dx = rstd·(d − mean(d) − x̂·mean(d·x̂))} per element.
 */
final class GroupNormBackwardKernel extends DeviceKernel {
    float[] x = new float[1];
    float[] gamma = new float[1];
    float[] mean = new float[1];
    float[] rstd = new float[1];
    float[] dy = new float[1];
    float[] dx = new float[1];
    float[] dgamma = new float[1];
    float[] dbeta = new float[1];
    /** Device-only scratch: Σd and Σd·x̂ of each (sample, group). */
    float[] groupSums = new float[2];
    int batch;
    int channels;
    int groups;
    int spatial;
    int hasGamma;
    int hasDx;
    int hasDgamma;
    int hasDbeta;
    int statItems;
    int items;

    GroupNormBackwardKernel(DeviceRuntime runtime) {
        super(runtime);
    }

    void ensureScratch(int stats) {
        if (groupSums.length < 2 * stats) {
            groupSums = new float[2 * stats];
        }
    }

    @Override
    public void run() {
        int id = getGlobalId();
        int perGroup = channels / groups;
        int pass = getPassId();
        // One flat condition per role: Aparapi's translator rejects an if nested directly in an if/else chain.
        if (pass == 0 && id < statItems) {
            int n = id / groups;
            int g = id % groups;
            float mu = mean[id];
            float rs = rstd[id];
            float sumD = 0f;
            float sumDXhat = 0f;
            for (int cc = 0; cc < perGroup; cc++) {
                int c = g * perGroup + cc;
                float gm = 1f;
                if (hasGamma == 1) {
                    gm = gamma[c];
                }
                int off = (n * channels + c) * spatial;
                for (int p = 0; p < spatial; p++) {
                    float d = dy[off + p] * gm;
                    sumD += d;
                    sumDXhat += d * (x[off + p] - mu) * rs;
                }
            }
            groupSums[2 * id] = sumD;
            groupSums[2 * id + 1] = sumDXhat;
        }
        if (pass == 0 && id < channels && (hasDgamma == 1 || hasDbeta == 1)) {
            int g = id / perGroup;
            float dg = 0f;
            float db = 0f;
            for (int n = 0; n < batch; n++) {
                float mu = mean[n * groups + g];
                float rs = rstd[n * groups + g];
                int off = (n * channels + id) * spatial;
                for (int p = 0; p < spatial; p++) {
                    dg += dy[off + p] * (x[off + p] - mu) * rs;
                    db += dy[off + p];
                }
            }
            if (hasDgamma == 1) {
                dgamma[id] = dgamma[id] + dg;
            }
            if (hasDbeta == 1) {
                dbeta[id] = dbeta[id] + db;
            }
        }
        if (pass == 1 && id < items && hasDx == 1) {
            int c = (id / spatial) % channels;
            int n = id / (spatial * channels);
            int stat = n * groups + c / perGroup;
            float gm = 1f;
            if (hasGamma == 1) {
                gm = gamma[c];
            }
            float size = perGroup * spatial;
            float rs = rstd[stat];
            float xhat = (x[id] - mean[stat]) * rs;
            dx[id] = rs * (dy[id] * gm - groupSums[2 * stat] / size - xhat * groupSums[2 * stat + 1] / size);
        }
    }
}
