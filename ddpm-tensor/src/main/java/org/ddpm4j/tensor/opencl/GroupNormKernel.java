package org.ddpm4j.tensor.opencl;

/**
 * Group normalisation in two passes: pass 0 has one work group per (sample, group) compute the mean and
 * 1/√(var+ε), two sweeps over the group for accuracy, each a strided sum per item (neighbouring items read
 * neighbouring values) added up in local memory; pass 1 has one work item per element apply them with γ and β.
 */
final class GroupNormKernel extends GroupReductionKernel {
    float[] x = new float[1];
    float[] gamma = new float[1];
    float[] beta = new float[1];
    float[] y = new float[1];
    float[] mean = new float[1];
    float[] rstd = new float[1];
    int channels;
    int groups;
    int spatial;
    int hasGamma;
    int hasBeta;
    float eps;
    int statItems;
    int items;

    GroupNormKernel(DeviceRuntime runtime) {
        super(runtime);
    }

    @Override
    public void run() {
        int id = getGlobalId();
        int perGroup = channels / groups;
        int pass = getPassId();
        // Aparapi's translator rejects an if nested directly in an if/else chain ("child list broken"), so each
        // pass is one flat condition. Pass 0 takes a whole work group per statistic: its condition holds for all
        // of a group's items or none, as the barriers of groupSum need.
        int statGroup = getGroupId();
        if (pass == 0 && statGroup < statItems) {
            int lane = getLocalId();
            int n = statGroup / groups;
            int g = statGroup % groups;
            int start = (n * channels + g * perGroup) * spatial;
            int size = perGroup * spatial;
            float sum = 0f;
            for (int i = lane; i < size; i += GROUP_SIZE) {
                sum += x[start + i];
            }
            float mu = groupSum(lane, sum) / size;
            float sq = 0f;
            for (int i = lane; i < size; i += GROUP_SIZE) {
                float d = x[start + i] - mu;
                sq += d * d;
            }
            float var = groupSum(lane, sq) / size;
            if (lane == 0) {
                mean[statGroup] = mu;
                rstd[statGroup] = 1f / sqrt(var + eps);
            }
        }
        if (pass == 1 && id < items) {
            int c = (id / spatial) % channels;
            int n = id / (spatial * channels);
            int stat = n * groups + c / perGroup;
            float v = (x[id] - mean[stat]) * rstd[stat];
            if (hasGamma == 1) {
                v = v * gamma[c];
            }
            if (hasBeta == 1) {
                v = v + beta[c];
            }
            y[id] = v;
        }
    }
}
