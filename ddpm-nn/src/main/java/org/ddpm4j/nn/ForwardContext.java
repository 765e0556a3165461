package org.ddpm4j.nn;

/**
 * What a forward pass needs beyond its input: whether it is training (dropout active) and the seed from which
 * every dropout layer derives its own mask seed (so the same seed gives the same masks on every backend).
 */
public record ForwardContext(boolean training, long seed) {

    /** Evaluation: no dropout. */
    public static ForwardContext inference() {
        return new ForwardContext(false, 0L);
    }

    /** Training: dropout active, masks derived from {@code seed}. */
    public static ForwardContext training(long seed) {
        return new ForwardContext(true, seed);
    }

    /** A per-layer seed: the step seed mixed with a hash of the layer's name. */
    public long seedFor(String layerName) {
        long h = seed ^ (layerName.hashCode() * 0x9E3779B97F4A7C15L);
        return h ^ (h >>> 29);
    }
}
