package org.ddpm4j.nn;

import org.ddpm4j.tensor.Seeds;

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

    /** A per-layer seed: the step seed and a hash of the layer's name, mixed so layers' masks are independent. */
    public long seedFor(String layerName) {
        return Seeds.derive(seed, layerName.hashCode());
    }
}
