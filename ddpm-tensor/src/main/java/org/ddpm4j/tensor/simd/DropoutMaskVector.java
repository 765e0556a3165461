package org.ddpm4j.tensor.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.ddpm4j.tensor.DropoutMask;

/**
 * {@link DropoutMask#value} for a run of indices, a vector of 64-bit lanes at a time: the same SplitMix64 steps in
 * integer arithmetic, so the mask is bit-for-bit the scalar one. Drawn one element at a time the mask cost as much as
 * the rest of a U-Net's dropout layers together.
 */
final class DropoutMaskVector {
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    /** Floats with as many lanes as {@link #LONGS}: the uniforms of one vector of indices. */
    private static final VectorSpecies<Float> FLOATS =
            VectorSpecies.of(float.class, VectorShape.forBitSize(LONGS.length() * Float.SIZE));
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private DropoutMaskVector() {
    }

    /** {@code mask[i] = DropoutMask.value(seed, i, p, keepScale)} for i in [off, off + len). */
    static void fill(long seed, float p, float keepScale, float[] mask, int off, int len) {
        int lanes = LONGS.length(), i = off, end = off + len;
        LongVector lane = LongVector.zero(LONGS).addIndex(1);
        FloatVector keep = FloatVector.broadcast(FLOATS, keepScale);
        for (int bound = off + (len / lanes) * lanes; i < bound; i += lanes) {
            // DropoutMask.uniform: mix(seed + (index + 1)·γ), its top 24 bits scaled to [0, 1).
            LongVector z = lane.add(i + 1L).mul(GOLDEN_GAMMA).add(seed);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(0xBF58476D1CE4E5B9L);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(0x94D049BB133111EBL);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
            FloatVector u = ((FloatVector) z.lanewise(VectorOperators.LSHR, 40)
                    .convertShape(VectorOperators.L2F, FLOATS, 0)).mul(0x1.0p-24f);
            VectorMask<Float> dropped = u.compare(VectorOperators.LT, p);
            keep.blend(0f, dropped).intoArray(mask, i);
        }
        for (; i < end; i++) {
            mask[i] = DropoutMask.value(seed, i, p, keepScale);
        }
    }
}
