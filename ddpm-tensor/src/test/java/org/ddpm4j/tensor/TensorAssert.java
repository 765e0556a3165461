package org.ddpm4j.tensor;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;

/** Element-wise comparisons that report the first offending index, both values and the worst error. */
final class TensorAssert {
    private TensorAssert() {
    }

    static void assertClose(Tensor expected, Tensor actual, Tolerances.Tolerance tol, String what) {
        if (!expected.sameShape(actual)) {
            fail(what + ": shape " + actual.shapeString() + " but expected " + expected.shapeString());
        }
        assertClose(toDouble(expected.toArray()), actual.toArray(), tol, what);
    }

    static void assertClose(double[] expected, float[] actual, Tolerances.Tolerance tol, String what) {
        if (expected.length != actual.length) {
            fail(what + ": " + actual.length + " values but expected " + expected.length);
        }
        int bad = -1, badCount = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            if (!Double.isFinite(actual[i]) || !tol.accepts(expected[i], actual[i])) {
                badCount++;
                if (bad < 0) {
                    bad = i;
                }
            }
            worst = Math.max(worst, err);
        }
        if (bad >= 0) {
            fail(String.format("%s: %d of %d values out of tolerance (abs %.1e + rel %.1e); first at %d: expected %.8g"
                            + " but was %.8g; worst abs error %.3e", what, badCount, expected.length, tol.abs(),
                    tol.rel(), bad, expected[bad], actual[bad], worst));
        }
    }

    static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    static String shape(int... s) {
        return Arrays.toString(s);
    }
}
