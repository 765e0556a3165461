package org.ddpm4j.diffusion.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.ddpm4j.diffusion.DiffusionMetadata;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.train.FlatParameters;
import org.ddpm4j.nn.ModelConfig;
import org.ddpm4j.nn.Parameter;
import org.ddpm4j.nn.UNet;
import org.ddpm4j.nn.UNetConfig;
import org.ddpm4j.tensor.Backends;

/**
 * A worker's copy of the model being trained, built once per worker rank, JVM and run (cached under the run's id)
 * and given the driver's weights at every step. It holds no optimiser state: Adam and the EMA live once, on the driver.
 */
final class Replica {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Replica> BY_RUN = new ConcurrentHashMap<>();

    final UNet model;
    final GaussianDiffusion diffusion;

    private Replica(UNet model, GaussianDiffusion diffusion) {
        this.model = model;
        this.diffusion = diffusion;
    }

    /**
     * Worker {@code rank}'s replica for the run in this JVM, built on first use. One per rank, so that workers that
     * share a JVM (local mode, or an executor with several cores) compute at the same time; a rank's retried task
     * reuses it.
     */
    static Replica of(String runId, int rank, String configJson, Map<String, String> diffusionMetadata,
                      String backend, int threads) {
        return BY_RUN.computeIfAbsent(runId + "#" + rank, id -> new Replica(unet(configJson, backend, threads),
                DiffusionMetadata.gaussian(diffusionMetadata)));
    }

    /** A U-Net built from its config as JSON ({@link #json}), its weights to be loaded. */
    static UNet unet(String configJson, String backend, int threads) {
        try {
            return new UNet(JSON.readValue(configJson, UNetConfig.class), Backends.create(backend, threads),
                    new SplittableRandom(0));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the run's model config is not a U-Net's: " + e.getMessage(), e);
        }
    }

    /** The model config as it travels to the workers. */
    static String json(ModelConfig config) {
        try {
            return JSON.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the model config " + config + ": " + e.getMessage(), e);
        }
    }

    /** Forgets the run's replicas in this JVM (local mode's, when training ends; workers' go with their JVM). */
    static void forget(String runId) {
        BY_RUN.keySet().removeIf(key -> key.startsWith(runId + "#"));
    }

    /** Sets the weights to {@code flat} (every parameter's values, concatenated in order). */
    void load(float[] flat) {
        load(flat, model.parameters());
    }

    /** Sets {@code params}' values to {@code flat} (every parameter's values, concatenated in order). */
    static void load(float[] flat, List<Parameter> params) {
        FlatParameters.scatter(flat, params, Parameter::value);
    }

    /** Every parameter's values, concatenated in order. */
    static float[] weights(List<Parameter> params) {
        return FlatParameters.concatenate(params, Parameter::value);
    }

    /** A checksum of weights' bits (FNV-1a over the floats), to show every worker computed at the same weights. */
    static long checksum(float[] flat) {
        long h = 0xcbf29ce484222325L;
        for (float f : flat) {
            h = (h ^ Float.floatToRawIntBits(f)) * 0x100000001b3L;
        }
        return h;
    }
}
