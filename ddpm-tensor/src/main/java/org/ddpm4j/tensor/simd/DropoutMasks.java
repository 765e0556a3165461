package org.ddpm4j.tensor.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.ddpm4j.tensor.DropoutMask;

/**
 * {@link DropoutMask}'s counter-based mask, a vector of indices at a time: SplitMix64's finaliser in 64-bit lanes,
 * then the top 24 bits as a float in [0, 1), as the scalar definition computes them, so the mask is the same bit for
 * bit. The scalar hash costs several times a pass over memory; a U-Net step draws a mask in every residual block's
 * forward and again in its backward (which keeps no mask).
 */
final class DropoutMasks {
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    /** Floats with one lane per long lane. */
    private static final VectorSpecies<Float> FLOATS =
            VectorSpecies.of(float.class, VectorShape.forBitSize(LONGS.length() * Float.SIZE));
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    /** Lane j's offset from the first index of a vector, times the increment: {@code j·γ}. */
    private static final LongVector LANE_STEPS = LongVector.zero(LONGS).addIndex(1).mul(GOLDEN_GAMMA);

    private DropoutMasks() {
    }

    /** {@code mask[i] = DropoutMask.value(seed, i, p, keepScale)} for i in [off, off + len). */
    static void fill(long seed, float p, float keepScale, float[] mask, int off, int len) {
        int i = off, end = off + len, lanes = LONGS.length();
        FloatVector kept = FloatVector.broadcast(FLOATS, keepScale), dropped = FloatVector.zero(FLOATS);
        for (int bound = off + LONGS.loopBound(len); i < bound; i += lanes) {
            // DropoutMask.uniform: mix(seed + (index + 1)·γ), lane by lane.
            LongVector z = LANE_STEPS.add(seed + (i + 1L) * GOLDEN_GAMMA);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(0xBF58476D1CE4E5B9L);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(0x94D049BB133111EBL);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
            // The top 24 bits are exact in a float, and so is the product with 2^-24.
            FloatVector u = ((FloatVector) z.lanewise(VectorOperators.LSHR, 40)
                    .convertShape(VectorOperators.L2F, FLOATS, 0)).mul(0x1.0p-24f);
            VectorMask<Float> keep = u.compare(VectorOperators.GE, p);
            dropped.blend(kept, keep).intoArray(mask, i);
        }
        for (; i < end; i++) {
            mask[i] = DropoutMask.value(seed, i, p, keepScale);
        }
    }
}
