package org.ddpm4j.nn;

import com.fasterxml.jackson.databind.JsonNode;
import org.ddpm4j.tensor.Tensor;

/** The golden files' JSON forms: a tensor as {@code {"shape": [...], "data": [...]}}, and integer lists. */
final class GoldenJson {
    private GoldenJson() {
    }

    static Tensor tensor(JsonNode n) {
        int[] shape = ints(n.get("shape"));
        float[] d = new float[n.get("data").size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) n.get("data").get(i).asDouble();
        }
        return Tensor.of(d, shape);
    }

    static int[] ints(JsonNode arr) {
        int[] v = new int[arr.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = arr.get(i).asInt();
        }
        return v;
    }
}
