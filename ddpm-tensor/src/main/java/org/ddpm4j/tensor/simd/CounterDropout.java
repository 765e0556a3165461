package org.ddpm4j.tensor.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.ddpm4j.tensor.DropoutMask;

/**
 * {@link DropoutMask}'s counter-based mask drawn VL elements at a time: SplitMix64's finaliser on 64-bit lanes,
 * the keep decision as a lane of all ones or zeros, and the kept lanes' 1/(1 − p) selected by it, so no element
 * branches on its random outcome. The same masks as the scalar rule, bit for bit.
 *
 * <p>The long vectors have the float vectors' width, so one float vector's VL decisions come from two long vectors;
 * the scale bits sit in the low half of each 64-bit lane, and one two-vector permute (the even 32-bit lanes) packs
 * them into floats. Every vector here has the preferred shape: C2 drops the Vector API's intrinsics where a call
 * site's profile sees vectors of two widths.
 */
final class CounterDropout {
    private static final VectorSpecies<Float> FLOATS = VectorOps.SPECIES;
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    private static final int VL = VectorOps.VL;
    private static final int LONG_LANES = LONGS.length();
    /**
     * Whether the mask is drawn by vectors: with vectors of 256 bits or more (AVX2, AVX-512), where the 64-bit lane
     * multiplies are instructions. On 128-bit x86 vectors they are emulated, and the scalar loop is faster.
     */
    static final boolean VECTORISED = LONGS.vectorBitSize() >= 256 && VL == 2 * LONG_LANES;
    /** Lane k's counter minus the first lane's: k increments. */
    private static final LongVector LANE_STEPS = LongVector.zero(LONGS).addIndex(1).mul(DropoutMask.INCREMENT);

    private CounterDropout() {
    }

    /**
     * {@code mask[i] = DropoutMask.value(seed, i, p, 1/(1 − p))} and {@code y[i] = x[i]·mask[i]} for i in
     * [off, off + len), where the caller passes {@code DropoutMask.counter(seed, off)} and
     * {@code DropoutMask.keepThreshold(p)}.
     */
    static void apply(float[] x, float[] y, float[] mask, int off, int len, long counter, long threshold,
                      float keepScale) {
        if (!VECTORISED) {
            scalar(x, y, mask, off, len, counter, threshold, keepScale);
            return;
        }
        long keepBits = Float.floatToRawIntBits(keepScale) & 0xFFFFFFFFL;
        long vectorStep = VL * DropoutMask.INCREMENT;
        int i = off, end = off + len;
        for (int bound = off + FLOATS.loopBound(len); i < bound; i += VL, counter += vectorStep) {
            LongVector low = keptScaleBits(LANE_STEPS.add(counter), threshold, keepBits);
            LongVector high = keptScaleBits(LANE_STEPS.add(counter + LONG_LANES * DropoutMask.INCREMENT), threshold,
                    keepBits);
            FloatVector m = PhaseSplit.EVEN.selectFrom(low.reinterpretAsFloats(), high.reinterpretAsFloats());
            m.intoArray(mask, i);
            FloatVector.fromArray(FLOATS, x, i).mul(m).intoArray(y, i);
        }
        scalar(x, y, mask, i, end - i, counter, threshold, keepScale);
    }

    /** Per lane: the scale's bits in the low half when the counter's element is kept, else 0. */
    private static LongVector keptScaleBits(LongVector counters, long threshold, long keepBits) {
        // SplitMix64's finaliser (Seeds.mix), then DropoutMask.bits' top 24 bits.
        LongVector z = counters.lanewise(VectorOperators.XOR, counters.lanewise(VectorOperators.LSHR, 30))
                .mul(0xBF58476D1CE4E5B9L);
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(0x94D049BB133111EBL);
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
        LongVector bits = z.lanewise(VectorOperators.LSHR, Long.SIZE - DropoutMask.BITS);
        // bits − threshold is negative exactly when the element is dropped: its sign spread over the lane is then
        // all ones, and the scale's bits survive only the complement.
        LongVector dropped = bits.sub(threshold).lanewise(VectorOperators.ASHR, 63);
        return dropped.broadcast(keepBits).lanewise(VectorOperators.AND_NOT, dropped);
    }

    private static void scalar(float[] x, float[] y, float[] mask, int off, int len, long counter, long threshold,
                               float keepScale) {
        int keepBits = Float.floatToRawIntBits(keepScale);
        for (int i = off, end = off + len; i < end; i++, counter += DropoutMask.INCREMENT) {
            // All ones when the element is kept, zero when dropped: a branch on the random outcome would be
            // mispredicted for about min(p, 1 − p) of the elements.
            int kept = ~(int) ((DropoutMask.bits(counter) - threshold) >> 63);
            float m = Float.intBitsToFloat(keepBits & kept);
            mask[i] = m;
            y[i] = x[i] * m;
        }
    }
}
