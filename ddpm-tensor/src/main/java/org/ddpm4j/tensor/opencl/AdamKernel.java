package org.ddpm4j.tensor.opencl;

/** One Adam step per element (Kingma &amp; Ba 2015, Algorithm 1, bias corrections folded into the step size). */
final class AdamKernel extends DeviceKernel {
    float[] param = new float[1];
    float[] grad = new float[1];
    float[] m = new float[1];
    float[] v = new float[1];
    float stepSize;
    float beta1;
    float beta2;
    float invSqrtC2;
    float eps;
    int items;

    AdamKernel(DeviceRuntime runtime) {
        super(runtime);
    }

    @Override
    public void run() {
        int i = getGlobalId();
        if (i < items) {
            float g = grad[i];
            float mi = beta1 * m[i] + (1f - beta1) * g;
            float vi = beta2 * v[i] + (1f - beta2) * g * g;
            m[i] = mi;
            v[i] = vi;
            param[i] = param[i] - stepSize * mi / (sqrt(vi) * invSqrtC2 + eps);
        }
    }
}
