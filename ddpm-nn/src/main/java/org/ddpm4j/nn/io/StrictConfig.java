package org.ddpm4j.nn.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A JSON config read key by key (diffusers' {@code config.json} and {@code scheduler_config.json}): each getter
 * checks the value's type, gives the library's default for an absent or null key, and remembers the key, so that
 * {@link #refuseUnread} can refuse every key nobody asked for by name instead of ignoring it. Errors are
 * {@link IllegalArgumentException}s naming the key; the caller adds the file.
 */
public final class StrictConfig {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonNode root;
    private final Set<String> read = new HashSet<>();

    private StrictConfig(JsonNode root) {
        this.root = root;
    }

    /**
     * The JSON object in {@code file}.
     *
     * @throws IOException naming the file when it is missing ({@code missingHint} says where to look), not JSON, or
     *                     not an object
     */
    public static StrictConfig read(Path file, String missingHint) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file.getParent() + ": no " + file.getFileName() + " (" + missingHint + ")");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": not a JSON object");
        }
        return new StrictConfig(root);
    }

    /** The error for {@code key} holding {@code value} where ddpm4j supports only {@code supported}. */
    public static IllegalArgumentException refused(String key, Object value, String supported) {
        return new IllegalArgumentException(key + " is " + value + "; ddpm4j supports " + supported);
    }

    /** Throws {@link #refused} unless {@code ok}. */
    public static void require(boolean ok, String key, Object value, String supported) {
        if (!ok) {
            throw refused(key, value, supported);
        }
    }

    /** The raw value of {@code key} (null when absent or JSON null), marked as read. */
    public JsonNode node(String key) {
        read.add(key);
        JsonNode v = root.get(key);
        return v == null || v.isNull() ? null : v;
    }

    /** Whether the file has {@code key} at all, even as null (diffusers' defaults differ from null for some keys). */
    public boolean has(String key) {
        return root.has(key);
    }

    public String text(String key, String otherwise) {
        JsonNode v = node(key);
        if (v != null && !v.isTextual()) {
            throw new IllegalArgumentException(key + " is " + v + ", not a string");
        }
        return v == null ? otherwise : v.asText();
    }

    public int integer(String key, int otherwise) {
        JsonNode v = node(key);
        if (v != null && (!v.isIntegralNumber() || !v.canConvertToInt())) {
            throw new IllegalArgumentException(key + " is " + v + ", not an integer");
        }
        return v == null ? otherwise : v.asInt();
    }

    public double number(String key, double otherwise) {
        JsonNode v = node(key);
        if (v != null && !v.isNumber()) {
            throw new IllegalArgumentException(key + " is " + v + ", not a number");
        }
        return v == null ? otherwise : v.asDouble();
    }

    public boolean bool(String key, boolean otherwise) {
        JsonNode v = node(key);
        if (v != null && !v.isBoolean()) {
            throw new IllegalArgumentException(key + " is " + v + ", not true or false");
        }
        return v == null ? otherwise : v.asBoolean();
    }

    /** A required list of strings. */
    public List<String> strings(String key) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : list(key)) {
            if (!e.isTextual()) {
                throw new IllegalArgumentException(key + " holds " + e + ", not a string");
            }
            out.add(e.asText());
        }
        return out;
    }

    /** A required list of integers. */
    public List<Integer> integers(String key) {
        List<Integer> out = new ArrayList<>();
        for (JsonNode e : list(key)) {
            if (!e.isInt()) {
                throw new IllegalArgumentException(key + " holds " + e + ", not an integer");
            }
            out.add(e.asInt());
        }
        return out;
    }

    private JsonNode list(String key) {
        JsonNode v = node(key);
        if (v == null || !v.isArray()) {
            throw new IllegalArgumentException(key + " is " + v + ", not a list");
        }
        return v;
    }

    /** Refuses the first key that no getter read; keys starting with {@code _} are metadata and pass. */
    public void refuseUnread(String kind) {
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.startsWith("_") && !read.contains(key)) {
                throw new IllegalArgumentException("'" + key + "' is not a " + kind + " option ddpm4j reads");
            }
        }
    }
}
