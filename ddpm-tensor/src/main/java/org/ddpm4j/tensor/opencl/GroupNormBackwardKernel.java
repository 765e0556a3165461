package org.ddpm4j.tensor.opencl;

/**
 * Backward of group normalisation. With x̂ = (x − μ)·rstd and d = γ·dy: pass 0 sums dy and dy·x̂ over the positions
 * of each (sample, channel), one work group per plane, into device-only scratch; pass 1 adds those over the samples
 * into dγ and dβ, and over each group's channels, weighted by γ, into Σd and Σd·x̂ per (sample, group); pass 2 applies
 * {@code dx = rstd·(d − mean(d) − x̂·mean(d·x̂))} per element. Summing over samples in a pass of its own keeps every
 * work item's loop one plane long: one item per channel over the whole batch would leave a GPU's compute units
 * idle while a few items walk N·H·W values each.
 */
final class GroupNormBackwardKernel extends GroupReductionKernel {
    float[] x = new float[1];
    float[] gamma = new float[1];
    float[] mean = new float[1];
    float[] rstd = new float[1];
    float[] dy = new float[1];
    float[] dx = new float[1];
    float[] dgamma = new float[1];
    float[] dbeta = new float[1];
    /** Device-only scratch: Σdy and Σdy·x̂ of each (sample, channel). */
    float[] channelSums = new float[2];
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

    void ensureScratch(int samples, int channelCount, int groupCount) {
        if (channelSums.length < 2 * samples * channelCount) {
            channelSums = new float[2 * samples * channelCount];
        }
        if (groupSums.length < 2 * samples * groupCount) {
            groupSums = new float[2 * samples * groupCount];
        }
    }

    @Override
    public void run() {
        int id = getGlobalId();
        int perGroup = channels / groups;
        int pass = getPassId();
        // One flat condition per role: Aparapi's translator rejects an if nested directly in an if/else chain.
        // Pass 0 takes a whole work group per plane: its condition holds for all of a group's items or none, as the
        // barriers of groupSum need.
        int plane = getGroupId();
        if (pass == 0 && plane < batch * channels) {
            int lane = getLocalId();
            int stat = (plane / channels) * groups + (plane % channels) / perGroup;
            float mu = mean[stat];
            float rs = rstd[stat];
            float sumDy = 0f;
            float sumDyXhat = 0f;
            int off = plane * spatial;
            for (int p = lane; p < spatial; p += GROUP_SIZE) {
                sumDy += dy[off + p];
                sumDyXhat += dy[off + p] * (x[off + p] - mu) * rs;
            }
            float totalDy = groupSum(lane, sumDy);
            float totalDyXhat = groupSum(lane, sumDyXhat);
            if (lane == 0) {
                channelSums[2 * plane] = totalDy;
                channelSums[2 * plane + 1] = totalDyXhat;
            }
        }
        if (pass == 1 && id < statItems) {
            int n = id / groups;
            int g = id % groups;
            float sumD = 0f;
            float sumDXhat = 0f;
            for (int cc = 0; cc < perGroup; cc++) {
                int c = g * perGroup + cc;
                float gm = 1f;
                if (hasGamma == 1) {
                    gm = gamma[c];
                }
                sumD += gm * channelSums[2 * (n * channels + c)];
                sumDXhat += gm * channelSums[2 * (n * channels + c) + 1];
            }
            groupSums[2 * id] = sumD;
            groupSums[2 * id + 1] = sumDXhat;
        }
        if (pass == 1 && id < channels && (hasDgamma == 1 || hasDbeta == 1)) {
            float dg = 0f;
            float db = 0f;
            for (int n = 0; n < batch; n++) {
                db += channelSums[2 * (n * channels + id)];
                dg += channelSums[2 * (n * channels + id) + 1];
            }
            if (hasDgamma == 1) {
                dgamma[id] = dgamma[id] + dg;
            }
            if (hasDbeta == 1) {
                dbeta[id] = dbeta[id] + db;
            }
        }
        if (pass == 2 && id < items && hasDx == 1) {
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
