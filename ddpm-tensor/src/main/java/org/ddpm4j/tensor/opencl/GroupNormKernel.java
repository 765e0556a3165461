package org.ddpm4j.tensor.opencl;

/**
 * Group normalisation in two passes: pass 0 has one work item per (sample, group) compute the mean and 1/√(var+ε)
 * (two-pass over the group, for accuracy); pass 1 has one work item per element apply them with γ and β.
 */
final class GroupNormKernel extends DeviceKernel {
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
        // pass is one flat condition.
        if (pass == 0 && id < statItems) {
            int n = id / groups;
            int g = id % groups;
            int start = (n * channels + g * perGroup) * spatial;
            int size = perGroup * spatial;
            float sum = 0f;
            for (int i = 0; i < size; i++) {
                sum += x[start + i];
            }
            float mu = sum / size;
            float sq = 0f;
            for (int i = 0; i < size; i++) {
                float d = x[start + i] - mu;
                sq += d * d;
            }
            mean[id] = mu;
            rstd[id] = 1f / sqrt(sq / size + eps);
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
