package org.ddpm4j.tensor.opencl;

import com.aparapi.device.OpenCLDevice;

/**
 * Batched {@code c[b] = α·op(a[b])·op(b[b]) (+ c[b])}, one work item per output element; a batch stride of 0 shares
 * the operand across the batch.
 */
final class MatmulKernel extends DeviceKernel {
    float[] a = new float[1];
    float[] b = new float[1];
    float[] c = new float[1];
    int m;
    int n;
    int k;
    int strideA;
    int strideB;
    int strideC;
    int transA;
    int transB;
    int accumulate;
    float alpha;
    int items;

    MatmulKernel(OpenCLDevice device, TransferCounter transfers) {
        super(device, transfers);
    }

    @Override
    public void run() {
        int id = getGlobalId();
        if (id < items) {
            int j = id % n;
            int i = (id / n) % m;
            int bt = id / (n * m);
            int ao = bt * strideA;
            int bo = bt * strideB;
            // Strides of the p (inner) index in a and b, and of the row/column index, for each transpose.
            int aRow = transA == 1 ? 1 : k;
            int aInner = transA == 1 ? m : 1;
            int bCol = transB == 1 ? k : 1;
            int bInner = transB == 1 ? 1 : n;
            float acc = 0f;
            for (int p = 0; p < k; p++) {
                acc += a[ao + i * aRow + p * aInner] * b[bo + j * bCol + p * bInner];
            }
            int ci = bt * strideC + i * n + j;
            if (accumulate == 1) {
                c[ci] = alpha * acc + c[ci];
            } else {
                c[ci] = alpha * acc;
            }
        }
    }
}
