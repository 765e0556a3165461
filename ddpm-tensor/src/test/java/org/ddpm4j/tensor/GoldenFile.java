package org.ddpm4j.tensor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** One PyTorch golden file written by {@code src/test/python/make_golden.py}: named float32 tensors plus metadata. */
final class GoldenFile {
    private final String name;
    private final JsonNode root;

    private GoldenFile(String name, JsonNode root) {
        this.name = name;
        this.root = root;
    }

    static GoldenFile load(String name) {
        String resource = "/golden/" + name + ".json";
        try (InputStream in = GoldenFile.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("golden file " + resource + " is missing: run make_golden.py");
            }
            return new GoldenFile(name, new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read golden file " + resource, e);
        }
    }

    Tensor tensor(String key) {
        JsonNode t = root.path("tensors").path(key);
        if (t.isMissingNode()) {
            throw new IllegalStateException("golden file " + name + " has no tensor '" + key + "'");
        }
        int[] shape = new int[t.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.get("shape").get(i).asInt();
        }
        JsonNode data = t.get("data");
        float[] values = new float[data.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) data.get(i).asDouble();
        }
        return Tensor.of(values, shape);
    }

    int metaInt(String key) {
        return root.path("meta").path(key).asInt();
    }

    double metaDouble(String key) {
        return root.path("meta").path(key).asDouble();
    }
}
