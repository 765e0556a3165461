package org.ddpm4j.bench.compare;

import java.util.function.Supplier;

/**
 * One case that ddpm4j and the PyTorch peer both run.
 *
 * @param section   {@code conv}, {@code gn}, {@code attn}, {@code unet} or {@code sample} (the peer's sections)
 * @param name      the case as printed, e.g. {@code N32 64->64 32x32}
 * @param mode      e.g. {@code fwd+bwd}; the peer builds the same work from section, mode and dims
 * @param peerDims  the numbers the peer needs to build the case (see {@code pytorch_peer.py})
 * @param gflop     nominal GFLOP of one call, NaN where not counted
 * @param gbytes    nominal GB moved by one call (memory-bound cases), NaN otherwise
 * @param ours      builds our side of the case (buffers allocated up front) and returns one call of it
 */
public record ComparedCase(String section, String name, String mode, int[] peerDims, double gflop, double gbytes,
                           Supplier<Runnable> ours) {
    public String key() {
        return section + "|" + name + "|" + mode;
    }
}
