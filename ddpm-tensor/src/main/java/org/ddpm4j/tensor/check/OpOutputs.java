package org.ddpm4j.tensor.check;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ddpm4j.tensor.Tensor;

/** The named outputs of one run of an op case, each with the tolerance it is judged by. */
final class OpOutputs {
    record Output(double[] values, Tolerance tolerance) {
    }

    private final Map<String, Output> outputs = new LinkedHashMap<>();

    /** A tensor output (reading it copies a device tensor back to the host). */
    OpOutputs tensor(String name, Tensor t) {
        return tensor(name, t, Tolerance.KERNEL_VS_REFERENCE);
    }

    /** A convolution's output or gradient, judged by {@link Tolerance#CONVOLUTION}. */
    OpOutputs convolution(String name, Tensor t) {
        return tensor(name, t, Tolerance.CONVOLUTION);
    }

    private OpOutputs tensor(String name, Tensor t, Tolerance tolerance) {
        float[] v = t.toArray();
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        outputs.put(name, new Output(d, tolerance));
        return this;
    }

    /** Reductions returned in double. */
    OpOutputs reduction(String name, double... values) {
        outputs.put(name, new Output(values.clone(), Tolerance.REDUCTION));
        return this;
    }

    Map<String, Output> all() {
        return outputs;
    }
}
