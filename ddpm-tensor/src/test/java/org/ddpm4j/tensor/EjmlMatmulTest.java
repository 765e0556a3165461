package org.ddpm4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.Test;

/** Matmul on both CPU backends against EJML's double-precision product, an oracle written by other people. */
class EjmlMatmulTest {

    @Test
    void batchedMatmulWithTransposesMatchesEjml() {
        Backend simd = Backends.create("simd", 2);
        assertEquals("simd", simd.name(), "the Vector API must be available to this test JVM");
        RandomTensors r = new RandomTensors(77);
        int batch = 3, m = 37, n = 45, k = 290;
        for (Backend be : new Backend[] {new ScalarBackend(), simd}) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    Tensor a = ta ? r.normal(batch, k, m) : r.normal(batch, m, k);
                    Tensor b = tb ? r.normal(batch, n, k) : r.normal(batch, k, n);
                    Tensor c = Tensor.zeros(batch, m, n);
                    be.matmul(a, ta, b, tb, c, 1f, false);
                    double[] expected = new double[batch * m * n];
                    for (int i = 0; i < batch; i++) {
                        SimpleMatrix ma = matrix(a, i, ta ? k : m, ta ? m : k);
                        SimpleMatrix mb = matrix(b, i, tb ? n : k, tb ? k : n);
                        SimpleMatrix prod = (ta ? ma.transpose() : ma).mult(tb ? mb.transpose() : mb);
                        for (int row = 0; row < m; row++) {
                            for (int col = 0; col < n; col++) {
                                expected[(i * m + row) * n + col] = prod.get(row, col);
                            }
                        }
                    }
                    TensorAssert.assertClose(expected, c.toArray(), Tolerances.VS_EJML,
                            be.name() + " matmul ta=" + ta + " tb=" + tb);
                }
            }
        }
        simd.shutdown();
    }

    private static SimpleMatrix matrix(Tensor t, int batch, int rows, int cols) {
        SimpleMatrix m = new SimpleMatrix(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                m.set(i, j, t.get((batch * rows + i) * cols + j));
            }
        }
        return m;
    }
}
