package org.ddpm4j.tensor.opencl;

/** The element-wise ops, one work item per element, chosen by {@link #mode}. */
final class ElementwiseKernel extends DeviceKernel {
    /** {@code out = a + b}. */
    static final int ADD = 0;
    /** {@code out = a ⊙ b}. */
    static final int MUL = 1;
    /** {@code out = α·a}. */
    static final int SCALE = 2;
    /** {@code out += α·a}. */
    static final int AXPY = 3;
    /** {@code out += a ⊙ b}. */
    static final int ADD_PRODUCT = 4;
    /** {@code out = a·σ(a)}. */
    static final int SILU = 5;
    /** {@code out += b·σ(a)·(1 + a·(1 − σ(a)))}: SiLU's derivative at a times the incoming gradient b. */
    static final int SILU_BACKWARD = 6;
    /** {@code out += α·(a − b)}: the MSE gradient with α = 2·scale/n. */
    static final int DIFFERENCE_AXPY = 7;
    /** {@code out = α·a + β·out}. */
    static final int AXPBY = 8;

    float[] a = new float[1];
    float[] b = new float[1];
    float[] out = new float[1];
    float alpha;
    /** {@link #AXPBY}'s factor of out. */
    float beta;
    int mode;
    /** 1: the op runs in place and its operand a is {@link #out} itself (a is then not bound to the tensor). */
    int readOut;
    int items;

    ElementwiseKernel(DeviceRuntime runtime) {
        super(runtime);
    }

    @Override
    public void run() {
        int i = getGlobalId();
        if (i < items) {
            float av = 0f;
            if (readOut == 1) {
                av = out[i];
            } else {
                av = a[i];
            }
            if (mode == ADD) {
                out[i] = av + b[i];
            } else if (mode == MUL) {
                out[i] = av * b[i];
            } else if (mode == SCALE) {
                out[i] = alpha * av;
            } else if (mode == AXPY) {
                out[i] = out[i] + alpha * av;
            } else if (mode == ADD_PRODUCT) {
                out[i] = out[i] + av * b[i];
            } else if (mode == SILU) {
                out[i] = av / (1f + exp(-av));
            } else if (mode == SILU_BACKWARD) {
                float s = 1f / (1f + exp(-av));
                out[i] = out[i] + b[i] * s * (1f + av * (1f - s));
            } else if (mode == AXPBY) {
                out[i] = alpha * av + beta * out[i];
            } else {
                out[i] = out[i] + alpha * (av - b[i]);
            }
        }
    }
}
