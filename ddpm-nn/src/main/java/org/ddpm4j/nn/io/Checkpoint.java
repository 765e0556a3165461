package org.ddpm4j.nn.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ddpm4j.nn.ModelConfig;
import org.ddpm4j.nn.Module;
import org.ddpm4j.nn.Parameter;
import org.ddpm4j.nn.optim.Adam;
import org.ddpm4j.nn.optim.Ema;
import org.ddpm4j.tensor.NonFiniteException;
import org.ddpm4j.tensor.Tensor;

/**
 * A training checkpoint in one safetensors file: the model's weights under their own names (so PyTorch loads them
 * by name), the EMA weights under {@code ema.<name>}, Adam's moments under {@code adam.m.<name>} and
 * {@code adam.v.<name>}, and in {@code __metadata__} the format, the step, Adam's step count, the model config as
 * JSON and whatever training config the caller adds. Restoring checks the format, the model config and every name
 * and shape, so a checkpoint of another model gives a clear error, never a wrong model. Non-finite values are refused
 * both ways: a diverged model is never saved over a good checkpoint, and a file holding NaN or infinities never loads.
 */
public final class Checkpoint {
    public static final String FORMAT = "ddpm4j-checkpoint-1";
    public static final String EMA_PREFIX = "ema.";
    public static final String ADAM_M_PREFIX = "adam.m.";
    public static final String ADAM_V_PREFIX = "adam.v.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoint() {
    }

    /** What a checkpoint holds besides tensors. */
    public record Info(long step, String modelConfigJson, Map<String, String> metadata) {
    }

    /**
     * Writes the model (and, when not null, the EMA and Adam state) atomically.
     *
     * @throws NonFiniteException when a tensor holds NaN or an infinity (the file is left as it was)
     * @param modelConfig the model's configuration, stored as JSON and checked on restore
     * @param extra       more metadata (e.g. the training config), strings by key
     */
    public static void save(Path file, Module model, ModelConfig modelConfig, Ema ema, Adam adam, long step,
                            Map<String, String> extra) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        List<Parameter> params = model.parameters();
        for (Parameter p : params) {
            if (tensors.put(p.name(), p.value()) != null) {
                // A second tensor under one key would silently replace the first in the file.
                throw new IllegalArgumentException("checkpoint " + file + ": two parameters are named '" + p.name()
                        + "'");
            }
        }
        if (ema != null) {
            putAll(tensors, EMA_PREFIX, params, ema.shadow());
        }
        if (adam != null) {
            putAll(tensors, ADAM_M_PREFIX, params, adam.firstMoments());
            putAll(tensors, ADAM_V_PREFIX, params, adam.secondMoments());
        }
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            NonFiniteException.requireFinite(e.getValue(), "checkpoint " + file + " not written: tensor '" + e.getKey()
                    + "'");
        }
        Map<String, String> meta = new LinkedHashMap<>(extra);
        meta.put("format", FORMAT);
        meta.put("step", Long.toString(step));
        meta.put("model_config", toJson(modelConfig));
        if (ema != null) {
            meta.put("ema_decay", Double.toString(ema.decay()));
            meta.put("ema_updates", Long.toString(ema.updates()));
        }
        if (adam != null) {
            meta.put("adam_step", Long.toString(adam.stepCount()));
        }
        SafeTensors.write(file, tensors, meta);
    }

    /**
     * Reads {@code file} into the model (and the EMA and Adam, when not null), after checking that it was written for
     * the same model config and holds every tensor with the right shape and only finite values.
     */
    public static Info restore(Path file, Module model, ModelConfig modelConfig, Ema ema, Adam adam) throws IOException {
        return restore(file, SafeTensors.read(file), model, modelConfig, ema, adam);
    }

    /** {@link #restore(Path, Module, ModelConfig, Ema, Adam)} from contents already read from {@code file}. */
    public static Info restore(Path file, SafeTensors.Contents c, Module model, ModelConfig modelConfig, Ema ema,
                               Adam adam) throws IOException {
        return restore(file, c, model, modelConfig, ema, adam, false);
    }

    /**
     * As {@link #restore(Path, SafeTensors.Contents, Module, ModelConfig, Ema, Adam)}, but with
     * {@code allowNonFinite} NaN and infinite values are loaded instead of refused: for inspecting a diverged run,
     * never for training on.
     */
    public static Info restore(Path file, SafeTensors.Contents c, Module model, ModelConfig modelConfig, Ema ema,
                               Adam adam, boolean allowNonFinite) throws IOException {
        Map<String, String> meta = c.metadata();
        if (!FORMAT.equals(meta.get("format"))) {
            throw new IOException(file + ": not a ddpm4j checkpoint (metadata format is '" + meta.get("format")
                    + "', expected '" + FORMAT + "')");
        }
        String expected = toJson(modelConfig), stored = meta.getOrDefault("model_config", "");
        if (!sameConfig(modelConfig, stored)) {
            throw new IOException(file + ": written for model config " + stored + " but this model is " + expected);
        }
        List<Parameter> params = model.parameters();
        for (Parameter p : params) {
            copy(c.tensors(), p.name(), p.value(), file, allowNonFinite);
        }
        if (ema != null) {
            for (int i = 0; i < params.size(); i++) {
                copy(c.tensors(), EMA_PREFIX + params.get(i).name(), ema.shadow().get(i), file, allowNonFinite);
            }
            ema.setUpdates(parseLong(meta, "ema_updates", file));
        }
        if (adam != null) {
            for (int i = 0; i < params.size(); i++) {
                copy(c.tensors(), ADAM_M_PREFIX + params.get(i).name(), adam.firstMoments().get(i), file, allowNonFinite);
                copy(c.tensors(), ADAM_V_PREFIX + params.get(i).name(), adam.secondMoments().get(i), file, allowNonFinite);
            }
            adam.setStepCount(parseLong(meta, "adam_step", file));
        }
        return new Info(parseLong(meta, "step", file), stored, meta);
    }

    /**
     * The number of model weights {@code c} holds: the elements of its tensors that are not EMA or Adam state. A
     * model config read from a file is checked against it before a model is built for that config.
     */
    public static long modelWeightCount(SafeTensors.Contents c) {
        long n = 0;
        for (Map.Entry<String, Tensor> e : c.tensors().entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(EMA_PREFIX) && !name.startsWith(ADAM_M_PREFIX) && !name.startsWith(ADAM_V_PREFIX)) {
                n += e.getValue().size();
            }
        }
        return n;
    }

    private static void putAll(Map<String, Tensor> tensors, String prefix, List<Parameter> params, List<Tensor> values) {
        for (int i = 0; i < params.size(); i++) {
            tensors.put(prefix + params.get(i).name(), values.get(i));
        }
    }

    private static void copy(Map<String, Tensor> tensors, String name, Tensor into, Path file, boolean allowNonFinite)
            throws IOException {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IOException(file + ": tensor '" + name + "' is missing");
        }
        if (!t.sameShape(into)) {
            throw new IOException(file + ": tensor '" + name + "' has shape " + t.shapeString() + " but the model needs "
                    + into.shapeString());
        }
        try {
            if (!allowNonFinite) {
                NonFiniteException.requireFinite(t, "tensor '" + name + "'");
            }
        } catch (NonFiniteException e) {
            throw new IOException(file + ": " + e.getMessage() + "; it was saved from a diverged model");
        }
        into.copyFrom(t);
    }

    private static long parseLong(Map<String, String> meta, String key, Path file) throws IOException {
        if (!meta.containsKey(key)) {
            throw new IOException(file + ": metadata '" + key + "' is missing");
        }
        try {
            return Long.parseLong(meta.get(key));
        } catch (NumberFormatException e) {
            throw new IOException(file + ": metadata '" + key + "' is '" + meta.get(key) + "', not an integer");
        }
    }

    /**
     * Parsed into the config's own type and compared with equals, not as text: a config written before a component
     * with a default was added (e.g. {@code learnedVariance}) still matches.
     */
    private static boolean sameConfig(ModelConfig config, String stored) {
        if (stored.isEmpty()) {
            return false;
        }
        try {
            return config.equals(JSON.readValue(stored, config.getClass()));
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    private static String toJson(ModelConfig config) throws IOException {
        try {
            return JSON.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IOException("cannot write model config " + config + " as JSON", e);
        }
    }
}
