package org.ddpm4j.tensor.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-threaded Vector API loops over array ranges: the building blocks of the elementwise ops, the
 * reductions and the row-wise softmax. Each is a main loop over whole vectors plus a scalar tail.
 *
 * <p>Every loop gives the same bits whether the JVM interprets it or has compiled it: the Vector API leaves the order
 * of {@code reduceLanes(ADD)} and the accuracy of {@code lanewise(EXP)} to the implementation, and the two differ
 * between the interpreter's fallback and the compiled intrinsics, so a same-seed run gave other floats once its loops
 * were compiled. Lanes are therefore summed in a fixed order ({@link #sumLanes}), and e^x is a polynomial of exactly
 * rounded operations ({@link #exp}).
 */
final class VectorOps {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int VL = SPECIES.length();

    /** ln(2^-126): exponents below this give subnormal floats, which softmax flushes to zero. */
    static final float SUBNORMAL_EXP_BELOW = -87.33654f;

    /** e^x is clamped to [e^EXP_MIN, e^EXP_MAX]: 2^n with n in [−126, 127] stays a normal float. */
    private static final float EXP_MIN = -87.0f, EXP_MAX = 88.0f;
    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split so that n·LN2_HI is exact for |n| ≤ 127 (Cody and Waite's reduction, as Cephes' expf). */
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** 1.5·2^23: adding it rounds a float of magnitude below 2^22 to an integer in its low mantissa bits. */
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    /** Cephes' expf minimax polynomial for e^r − 1 − r over |r| ≤ ln2/2 (relative error about 1 ulp). */
    private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
            P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    private VectorOps() {
    }

    /**
     * The lanes' sum in double, added in a fixed tree: the two halves widened and added, then lane i with lane
     * i + half until one lane is left. Lane-wise additions only, so the same bits interpreted or compiled; a few
     * shuffles instead of a store and a chain of dependent scalar additions, which cost as much as a short channel's
     * whole loop.
     */
    static double sumLanes(FloatVector v) {
        DoubleVector s = ((DoubleVector) v.convertShape(VectorOperators.F2D, WIDE, 0))
                .add((DoubleVector) v.convertShape(VectorOperators.F2D, WIDE, 1));
        for (VectorShuffle<Double> fold : FOLDS) {
            s = s.add(s.rearrange(fold));
        }
        return s.lane(0);
    }

    /**
     * {@link #sumLanes(FloatVector)} of the vector stored at {@code lanes[off..off + VL)}, in scalar code with the same
     * additions in the same tree, so the same bits: for a loop whose call of the vector version C2 would not inline
     * and would pass a boxed vector instead.
     */
    static double sumLanes(float[] lanes, int off) {
        return foldedLanes(lanes, off, 0, 1);
    }

    /**
     * Lane i of the tree after its fold of half h: lane i plus lane i + h of the fold before, the first level being the
     * widened lanes i and i + VL/2. Only lanes i &lt; h are asked for, so i + h never wraps around.
     */
    private static double foldedLanes(float[] lanes, int off, int i, int h) {
        int half = VL / 2;
        if (h == half) {
            return (double) lanes[off + i] + (double) lanes[off + i + half];
        }
        return foldedLanes(lanes, off, i, 2 * h) + foldedLanes(lanes, off, i + h, 2 * h);
    }

    /** Doubles in a vector of SPECIES' shape: half as many lanes. */
    private static final VectorSpecies<Double> WIDE = DoubleVector.SPECIES_PREFERRED.withShape(SPECIES.vectorShape());
    /** The shuffles of {@link #sumLanes}' tree: lane i takes lane i + half, for half = lanes/2, lanes/4, ..., 1. */
    private static final VectorShuffle<Double>[] FOLDS = folds();

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Double>[] folds() {
        int lanes = WIDE.length(), levels = Integer.numberOfTrailingZeros(lanes);
        VectorShuffle<Double>[] folds = new VectorShuffle[levels];
        for (int level = 0, half = lanes / 2; level < levels; level++, half /= 2) {
            int h = half;
            folds[level] = VectorShuffle.fromOp(WIDE, i -> (i + h) % lanes);
        }
        return folds;
    }

    /**
     * e^x lane by lane, from additions, multiplications and fused multiply-adds (each exactly rounded by IEEE 754) and
     * exact comparisons, blends and integer bit operations, so the interpreter and compiled code agree:
     * x = n·ln2 + r, e^x = 2^n·(1 + r + r²·P(r)). Arguments are clamped to
     * [{@value #EXP_MIN}, {@value #EXP_MAX}]: below, callers flush to zero themselves (softmax) or add 1 (SiLU).
     */
    static FloatVector exp(FloatVector x) {
        // Clamped by compare and blend: Java's max and min order −0 below +0 and propagate NaN, which costs C2
        // several instructions per lane; a NaN passes the comparisons and stays NaN here too.
        FloatVector c = x.blend(EXP_MIN, x.lt(EXP_MIN)).blend(EXP_MAX, x.compare(VectorOperators.GT, EXP_MAX));
        // n + 1.5·2^23: n, an integer in [−126, 127], sits in the low mantissa bits, and ulp = 1 there.
        FloatVector shifted = c.fma(LOG2E, ROUND);
        FloatVector n = shifted.sub(ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(SPECIES, -LN2_HI), c);
        r = n.fma(FloatVector.broadcast(SPECIES, -LN2_LO), r);
        FloatVector p = r.fma(P0, P1);
        p = p.fma(r, FloatVector.broadcast(SPECIES, P2));
        p = p.fma(r, FloatVector.broadcast(SPECIES, P3));
        p = p.fma(r, FloatVector.broadcast(SPECIES, P4));
        p = p.fma(r, FloatVector.broadcast(SPECIES, P5));
        FloatVector y = p.fma(r.mul(r), r).add(1f);
        // 2^n's bits from the shifted float's: its bits minus ROUND's are n. Java's float-to-int conversion would
        // saturate and map NaN to 0 lane by lane, which C2 pays for with a fix-up sequence.
        IntVector bits = ((IntVector) shifted.viewAsIntegralLanes()).sub(ROUND_BITS - 127)
                .lanewise(VectorOperators.LSHL, 23);
        return y.mul(bits.reinterpretAsFloats());
    }

    /**
     * {@code dst[d..d+len) = src[s..s+len)} for disjoint ranges: for an image's short rows, cheaper than
     * System.arraycopy's call. The last vector overlaps the one before it instead of running a scalar tail, which on a
     * row of VL − 1 or 2·VL − 1 values (a padded tile row's image part) would be most of the row; a row shorter than
     * a vector is one masked vector. Not a vector of another width: C2 drops the Vector API's intrinsics where one
     * call site's profile sees two vector classes, and the boxed fallback is an order of magnitude slower.
     */
    static void copy(float[] src, int s, float[] dst, int d, int len) {
        if (len >= VL) {
            for (int i = 0; i < len - VL; i += VL) {
                FloatVector.fromArray(SPECIES, src, s + i).intoArray(dst, d + i);
            }
            FloatVector.fromArray(SPECIES, src, s + len - VL).intoArray(dst, d + len - VL);
        } else {
            VectorMask<Float> part = SPECIES.indexInRange(0, len);
            FloatVector.fromArray(SPECIES, src, s, part).intoArray(dst, d, part);
        }
    }

    /** {@code dst[d..d+len) += src[s..s+len)}. */
    static void addInto(float[] src, int s, float[] dst, int d, int len) {
        int i = 0;
        for (int bound = SPECIES.loopBound(len); i < bound; i += VL) {
            FloatVector.fromArray(SPECIES, dst, d + i).add(FloatVector.fromArray(SPECIES, src, s + i))
                    .intoArray(dst, d + i);
        }
        for (; i < len; i++) {
            dst[d + i] += src[s + i];
        }
    }

    /** {@code y[off..off+len) += α·x[off..off+len)}. */
    static void axpy(float alpha, float[] x, float[] y, int off, int len) {
        FloatVector av = FloatVector.broadcast(SPECIES, alpha);
        int i = off, end = off + len;
        for (int bound = off + SPECIES.loopBound(len); i < bound; i += VL) {
            FloatVector.fromArray(SPECIES, x, i).fma(av, FloatVector.fromArray(SPECIES, y, i)).intoArray(y, i);
        }
        for (; i < end; i++) {
            y[i] += alpha * x[i];
        }
    }

    /**
     * One Adam step over [off, off+len) ({@code Backend#adamUpdate}): {@code m = β₁·m + (1 − β₁)·g},
     * {@code v = β₂·v + (1 − β₂)·g·g}, {@code w −= step·m / (√v·invSqrtC2 + eps)}, each operation rounded on its
     * own in the scalar reference's order (no fused multiply-add; a float's square root is exactly rounded either
     * way), so the result is the reference's to the bit.
     */
    static void adam(float[] w, float[] g, float[] m, float[] v, float step, float beta1, float beta2,
                     float invSqrtC2, float eps, int off, int len) {
        float keep1 = 1 - beta1, keep2 = 1 - beta2;
        FloatVector b1 = FloatVector.broadcast(SPECIES, beta1), k1 = FloatVector.broadcast(SPECIES, keep1);
        FloatVector b2 = FloatVector.broadcast(SPECIES, beta2), k2 = FloatVector.broadcast(SPECIES, keep2);
        FloatVector stepV = FloatVector.broadcast(SPECIES, step), inv = FloatVector.broadcast(SPECIES, invSqrtC2);
        FloatVector epsV = FloatVector.broadcast(SPECIES, eps);
        int i = off, end = off + len;
        for (int bound = off + SPECIES.loopBound(len); i < bound; i += VL) {
            FloatVector gv = FloatVector.fromArray(SPECIES, g, i);
            FloatVector mv = b1.mul(FloatVector.fromArray(SPECIES, m, i)).add(k1.mul(gv));
            FloatVector vv = b2.mul(FloatVector.fromArray(SPECIES, v, i)).add(k2.mul(gv).mul(gv));
            mv.intoArray(m, i);
            vv.intoArray(v, i);
            FloatVector.fromArray(SPECIES, w, i).sub(stepV.mul(mv).div(vv.sqrt().mul(inv).add(epsV))).intoArray(w, i);
        }
        for (; i < end; i++) {
            m[i] = beta1 * m[i] + keep1 * g[i];
            v[i] = beta2 * v[i] + keep2 * g[i] * g[i];
            w[i] -= step * m[i] / ((float) Math.sqrt(v[i]) * invSqrtC2 + eps);
        }
    }

    /** {@code out[i] = a·x[i] + c·y[i]} over [off, off+len); out may be x or y. */
    static void linearCombination(float a, float[] x, float c, float[] y, float[] out, int off, int len) {
        FloatVector av = FloatVector.broadcast(SPECIES, a), cv = FloatVector.broadcast(SPECIES, c);
        int i = off, end = off + len;
        for (int bound = off + SPECIES.loopBound(len); i < bound; i += VL) {
            FloatVector.fromArray(SPECIES, x, i).mul(av).add(FloatVector.fromArray(SPECIES, y, i).mul(cv))
                    .intoArray(out, i);
        }
        for (; i < end; i++) {
            out[i] = a * x[i] + c * y[i];
        }
    }

    /** {@code out[i] = min(max(x[i], lo), hi)} over [off, off+len). */
    static void clamp(float[] x, float lo, float hi, float[] out, int off, int len) {
        FloatVector lov = FloatVector.broadcast(SPECIES, lo), hiv = FloatVector.broadcast(SPECIES, hi);
        int i = off, end = off + len;
        for (int bound = off + SPECIES.loopBound(len); i < bound; i += VL) {
            FloatVector.fromArray(SPECIES, x, i).max(lov).min(hiv).intoArray(out, i);
        }
        for (; i < end; i++) {
            out[i] = Math.min(Math.max(x[i], lo), hi);
        }
    }

    static void add(float[] a, float[] b, float[] out, int off, int len) {
        int i = off, end = off + len;
        for (int bound = off + SPECIES.loopBound(len); i < bound; i += VL) {
            FloatVector.fromArray(SPECIES, a, i).add(FloatVector.fromArray(SPECIES, b, i)).intoArray(out, i);
        }
        for (; i < end; i++) {
            out[i] = a[i] + b[i];
        }
    }

    static void mul(float[] a, float[] b, float[] out, int off, int len) {
        int i = off, end = off + len;
        for (int bound = off + SPECIES.loopBound(len); i < bound; i += VL) {
            FloatVector.fromArray(SPECIES, a, i).mul(FloatVector.fromArray(SPECIES, b, i)).intoArray(out, i);
        }
        for (; i < end; i++) {
            out[i] = a[i] * b[i];
        }
    }

    static void scale(float[] a, float s, float[] out, int off, int len) {
        int i = off, end = off + len;
        for (int bound = off + SPECIES.loopBound(len); i < bound; i += VL) {
            FloatVector.fromArray(SPECIES, a, i).mul(s).intoArray(out, i);
        }
        for (; i < end; i++) {
            out[i] = s * a[i];
        }
    }

    /** {@code out += a ⊙ b}. */
    static void addProduct(float[] a, float[] b, float[] out, int off, int len) {
        int i = off, end = off + len;
        for (int bound = off + SPECIES.loopBound(len); i < bound; i += VL) {
            FloatVector.fromArray(SPECIES, a, i).fma(FloatVector.fromArray(SPECIES, b, i),
                    FloatVector.fromArray(SPECIES, out, i)).intoArray(out, i);
        }
        for (; i < end; i++) {
            out[i] += a[i] * b[i];
        }
    }

    /** {@code out[o..o+len) = x[s..s+len) + v}. */
    static void addScalar(float[] x, int s, float v, float[] out, int o, int len) {
        int i = 0;
        for (int bound = SPECIES.loopBound(len); i < bound; i += VL) {
            FloatVector.fromArray(SPECIES, x, s + i).add(v).intoArray(out, o + i);
        }
        for (; i < len; i++) {
            out[o + i] = x[s + i] + v;
        }
    }

    static double sum(float[] x, int off, int len) {
        FloatVector acc0 = FloatVector.zero(SPECIES), acc1 = FloatVector.zero(SPECIES);
        int i = off, end = off + len;
        for (int bound = off + (len / (2 * VL)) * 2 * VL; i < bound; i += 2 * VL) {
            acc0 = acc0.add(FloatVector.fromArray(SPECIES, x, i));
            acc1 = acc1.add(FloatVector.fromArray(SPECIES, x, i + VL));
        }
        double s = sumLanes(acc0.add(acc1));
        for (; i < end; i++) {
            s += x[i];
        }
        return s;
    }

    /**
     * The shift of a run's moments ({@link #moments}): the mean of its first vector, or of its first element when it
     * is shorter. Any value gives the same moments in exact arithmetic; one near the run's mean keeps Σ(x − shift)²
     * free of the cancellation that Σx² − n·μ² suffers when |μ| is large against σ (Chan, Golub and LeVeque's shifted
     * data). The first vector is in memory order, so it is the next one a streaming pass loads anyway.
     */
    static float momentShift(float[] x, int off, int len) {
        return len >= VL ? (float) (sumLanes(FloatVector.fromArray(SPECIES, x, off)) / VL) : x[off];
    }

    /**
     * Σ(x − shift) into {@code out[0]} and Σ(x − shift)² into {@code out[1]} over one run: a group norm's mean and
     * variance in one pass ({@code μ = shift + out[0]/n}, {@code σ² = out[1]/n − (out[0]/n)²}). Vector k of the run
     * goes to accumulator k mod 2, as in {@link #normalizeAndMoments}, so that a run of whole pairs of vectors gives
     * the bits of that fused loop's {@link #accumulatedMoments}.
     */
    static void moments(float[] x, int off, int len, float shift, double[] out) {
        FloatVector s0 = FloatVector.zero(SPECIES), s1 = FloatVector.zero(SPECIES);
        FloatVector q0 = FloatVector.zero(SPECIES), q1 = FloatVector.zero(SPECIES);
        int i = off, end = off + len;
        for (int bound = off + (len / (2 * VL)) * 2 * VL; i < bound; i += 2 * VL) {
            FloatVector d0 = FloatVector.fromArray(SPECIES, x, i).sub(shift);
            FloatVector d1 = FloatVector.fromArray(SPECIES, x, i + VL).sub(shift);
            s0 = s0.add(d0);
            s1 = s1.add(d1);
            q0 = d0.fma(d0, q0);
            q1 = d1.fma(d1, q1);
        }
        double sum = sumLanes(s0.add(s1)), squares = sumLanes(q0.add(q1));
        for (; i < end; i++) {
            float d = x[i] - shift;
            sum += d;
            squares += (double) d * d;
        }
        out[0] = sum;
        out[1] = squares;
    }

    static double dot(float[] a, int ao, float[] b, int bo, int len) {
        FloatVector acc0 = FloatVector.zero(SPECIES), acc1 = FloatVector.zero(SPECIES);
        int i = 0;
        for (int bound = (len / (2 * VL)) * 2 * VL; i < bound; i += 2 * VL) {
            acc0 = FloatVector.fromArray(SPECIES, a, ao + i).fma(FloatVector.fromArray(SPECIES, b, bo + i), acc0);
            acc1 = FloatVector.fromArray(SPECIES, a, ao + i + VL).fma(FloatVector.fromArray(SPECIES, b, bo + i + VL), acc1);
        }
        double s = sumLanes(acc0.add(acc1));
        for (; i < len; i++) {
            s += (double) a[ao + i] * b[bo + i];
        }
        return s;
    }

    /**
     * {@code y = (x − center)·scale + bias} over one channel's spatial run: the group-norm forward, with scale = rstd·γ
     * and bias = β − (μ − center)·scale. The center is a float near the mean (the moments' shift), so x − center is
     * exact or nearly and both terms are of the output's size; {@code x·scale + (β − μ·scale)} would add two terms of
     * size |μ|·scale, losing the output's digits when the inputs' mean is large against their spread.
     */
    static void normalize(float[] x, float[] y, int off, int len, float center, float scale, float bias) {
        int i = off, end = off + len;
        for (int bound = off + SPECIES.loopBound(len); i < bound; i += VL) {
            FloatVector.fromArray(SPECIES, x, i).sub(center).fma(scale, bias).intoArray(y, i);
        }
        for (; i < end; i++) {
            y[i] = (x[i] - center) * scale + bias;
        }
    }

    /** {@link #normalize} followed by SiLU, {@code y = silu((x − center)·scale + bias)}, in one pass. */
    static void normalizeSilu(float[] x, float[] y, int off, int len, float center, float scale, float bias) {
        int i = off, end = off + len;
        for (int bound = off + SPECIES.loopBound(len); i < bound; i += VL) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, i).sub(center).fma(scale, bias);
            v.div(exp(v.neg()).add(1f)).intoArray(y, i);
        }
        for (; i < end; i++) {
            float v = (x[i] - center) * scale + bias;
            y[i] = (float) (v / (1 + Math.exp(-v)));
        }
    }

    /**
     * {@link #normalize} over one run and, over another run of the same length (a multiple of 2·VL), the additions
     * of {@link #moments} about {@code nextShift} into its four accumulators, kept in {@code acc} (4·VL floats: the
     * two sums, then the two sums of squares) between calls: the group norm writes one group's y while it reads the
     * next group from memory, so that the loads of the one overlap the stores of the other, and the next group's
     * variance needs no second pass. {@link #accumulatedMoments} then gives what {@link #moments} over the runs gives.
     */
    static void normalizeAndMoments(float[] x, float[] y, int off, int len, float center, float scale, float bias,
                                    int nextOff, float nextShift, float[] acc) {
        FloatVector s0 = FloatVector.fromArray(SPECIES, acc, 0), s1 = FloatVector.fromArray(SPECIES, acc, VL);
        FloatVector q0 = FloatVector.fromArray(SPECIES, acc, 2 * VL), q1 = FloatVector.fromArray(SPECIES, acc, 3 * VL);
        for (int i = 0; i < len; i += 2 * VL) {
            FloatVector.fromArray(SPECIES, x, off + i).sub(center).fma(scale, bias).intoArray(y, off + i);
            FloatVector.fromArray(SPECIES, x, off + i + VL).sub(center).fma(scale, bias).intoArray(y, off + i + VL);
            FloatVector d0 = FloatVector.fromArray(SPECIES, x, nextOff + i).sub(nextShift);
            FloatVector d1 = FloatVector.fromArray(SPECIES, x, nextOff + i + VL).sub(nextShift);
            s0 = s0.add(d0);
            s1 = s1.add(d1);
            q0 = d0.fma(d0, q0);
            q1 = d1.fma(d1, q1);
        }
        s0.intoArray(acc, 0);
        s1.intoArray(acc, VL);
        q0.intoArray(acc, 2 * VL);
        q1.intoArray(acc, 3 * VL);
    }

    /**
     * {@link #normalizeSilu} over one run with the additions of {@link #normalizeAndMoments} over another. One vector
     * a step, so that the loop has a single call of {@link #exp}: with two, C2 inlined one and, past its node budget
     * for the caller, called the other with its vectors boxed on the heap, one box per vector (docs/benchmarks.md,
     * "GroupNorm + SiLU without boxed vectors"). The accumulators of each pair swap places every step: vector k still
     * goes to accumulator k mod 2, as in {@link #normalizeAndMoments}, and len is whole pairs of vectors.
     */
    static void normalizeSiluAndMoments(float[] x, float[] y, int off, int len, float center, float scale,
                                        float bias, int nextOff, float nextShift, float[] acc) {
        FloatVector sumMine = FloatVector.fromArray(SPECIES, acc, 0), sumOther = FloatVector.fromArray(SPECIES, acc, VL);
        FloatVector squaresMine = FloatVector.fromArray(SPECIES, acc, 2 * VL);
        FloatVector squaresOther = FloatVector.fromArray(SPECIES, acc, 3 * VL);
        for (int i = 0; i < len; i += VL) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, off + i).sub(center).fma(scale, bias);
            v.div(exp(v.neg()).add(1f)).intoArray(y, off + i);
            FloatVector d = FloatVector.fromArray(SPECIES, x, nextOff + i).sub(nextShift);
            FloatVector sum = sumMine.add(d), squares = d.fma(d, squaresMine);
            sumMine = sumOther;
            sumOther = sum;
            squaresMine = squaresOther;
            squaresOther = squares;
        }
        sumMine.intoArray(acc, 0);
        sumOther.intoArray(acc, VL);
        squaresMine.intoArray(acc, 2 * VL);
        squaresOther.intoArray(acc, 3 * VL);
    }

    /** The sums of {@link #normalizeAndMoments}'s accumulators into {@code out}, as {@link #moments} ends. */
    static void accumulatedMoments(float[] acc, double[] out) {
        out[0] = sumLanes(FloatVector.fromArray(SPECIES, acc, 0).add(FloatVector.fromArray(SPECIES, acc, VL)));
        out[1] = sumLanes(FloatVector.fromArray(SPECIES, acc, 2 * VL).add(FloatVector.fromArray(SPECIES, acc, 3 * VL)));
    }

    /**
     * One output plane of a 3×3 convolution over padded lines ({@code pitch} floats apart, a zero column at each
     * end, a zero line above and below): {@code y[off + r·width + j] = bias + Σ w[k + 3·kh + kw]·lines[(r + kh)·pitch
     * + j + kw]}, the products added in tap order. A row's last vector overlaps the one before it (the same values
     * written twice) rather than running a scalar tail; a row narrower than a vector is scalar.
     */
    static void convolve3x3(float[] lines, int pitch, int height, int width, float[] w, int k, float bias, float[] y,
                            int off) {
        FloatVector w0 = FloatVector.broadcast(SPECIES, w[k]), w1 = FloatVector.broadcast(SPECIES, w[k + 1]);
        FloatVector w2 = FloatVector.broadcast(SPECIES, w[k + 2]), w3 = FloatVector.broadcast(SPECIES, w[k + 3]);
        FloatVector w4 = FloatVector.broadcast(SPECIES, w[k + 4]), w5 = FloatVector.broadcast(SPECIES, w[k + 5]);
        FloatVector w6 = FloatVector.broadcast(SPECIES, w[k + 6]), w7 = FloatVector.broadcast(SPECIES, w[k + 7]);
        FloatVector w8 = FloatVector.broadcast(SPECIES, w[k + 8]), b = FloatVector.broadcast(SPECIES, bias);
        for (int r = 0; r < height; r++) {
            int top = r * pitch, mid = top + pitch, low = mid + pitch, out = off + r * width;
            if (width < VL) {
                for (int j = 0; j < width; j++) {
                    float acc = bias;
                    for (int t = 0; t < 3; t++) {
                        acc += w[k + t] * lines[top + j + t];
                    }
                    for (int t = 0; t < 3; t++) {
                        acc += w[k + 3 + t] * lines[mid + j + t];
                    }
                    for (int t = 0; t < 3; t++) {
                        acc += w[k + 6 + t] * lines[low + j + t];
                    }
                    y[out + j] = acc;
                }
                continue;
            }
            for (int j = 0; j < width; j += VL) {
                // The last vector of a row whose width is not a multiple of VL ends at the row's end.
                int at = Math.min(j, width - VL);
                FloatVector acc = FloatVector.fromArray(SPECIES, lines, top + at).fma(w0, b);
                acc = FloatVector.fromArray(SPECIES, lines, top + at + 1).fma(w1, acc);
                acc = FloatVector.fromArray(SPECIES, lines, top + at + 2).fma(w2, acc);
                acc = FloatVector.fromArray(SPECIES, lines, mid + at).fma(w3, acc);
                acc = FloatVector.fromArray(SPECIES, lines, mid + at + 1).fma(w4, acc);
                acc = FloatVector.fromArray(SPECIES, lines, mid + at + 2).fma(w5, acc);
                acc = FloatVector.fromArray(SPECIES, lines, low + at).fma(w6, acc);
                acc = FloatVector.fromArray(SPECIES, lines, low + at + 1).fma(w7, acc);
                FloatVector.fromArray(SPECIES, lines, low + at + 2).fma(w8, acc).intoArray(y, out + at);
            }
        }
    }

    /**
     * Four channels of one output row of a sum of 3×3 correlations, at columns [a, a + VL) and [b, b + VL), into rows
     * 0 to 3 of {@code out} (rows {@code width} long): over {@code planes} padded planes p, the taps of p's lines at
     * {@code p·stride + top}, {@code + mid} and {@code + low} (a zero before column 0), by the weights
     * {@code w[wOff + (p·9 + tap)·4 + channel]}. Eight accumulators stay in registers over every plane; each vector
     * loaded serves the four channels. A few-output convolution's forward (planes: the input channels) and its input
     * gradient (planes: dy's channels, kernels turned by 180°) are both this.
     */
    static void correlate3x3FourChannels(float[] lines, int top, int mid, int low, int stride, int planes, float[] w,
                                         int wOff, int a, int b, float[] out, int width) {
        FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (int p = 0, k = wOff; p < planes; p++) {
            for (int kh = 0; kh < 3; kh++) {
                int at = p * stride + (kh == 0 ? top : kh == 1 ? mid : low);
                for (int kw = 0; kw < 3; kw++, k += 4) {
                    FloatVector xa = FloatVector.fromArray(SPECIES, lines, at + a + kw);
                    FloatVector xb = FloatVector.fromArray(SPECIES, lines, at + b + kw);
                    FloatVector w0 = FloatVector.broadcast(SPECIES, w[k]);
                    FloatVector w1 = FloatVector.broadcast(SPECIES, w[k + 1]);
                    FloatVector w2 = FloatVector.broadcast(SPECIES, w[k + 2]);
                    FloatVector w3 = FloatVector.broadcast(SPECIES, w[k + 3]);
                    a0 = xa.fma(w0, a0);
                    b0 = xb.fma(w0, b0);
                    a1 = xa.fma(w1, a1);
                    b1 = xb.fma(w1, b1);
                    a2 = xa.fma(w2, a2);
                    b2 = xb.fma(w2, b2);
                    a3 = xa.fma(w3, a3);
                    b3 = xb.fma(w3, b3);
                }
            }
        }
        // Where b overlaps a (a row's last vectors), both hold the same sums.
        a0.intoArray(out, a);
        a1.intoArray(out, width + a);
        a2.intoArray(out, 2 * width + a);
        a3.intoArray(out, 3 * width + a);
        b0.intoArray(out, b);
        b1.intoArray(out, width + b);
        b2.intoArray(out, 2 * width + b);
        b3.intoArray(out, 3 * width + b);
    }

    /** {@code y[off + j] += a·line[lineOff + j] + b·line[lineOff + j + 1] + c·line[lineOff + j + 2]}, j in [0, len). */
    static void addThreeTaps(float[] line, int lineOff, float a, float b, float c, float[] y, int off, int len) {
        FloatVector av = FloatVector.broadcast(SPECIES, a), bv = FloatVector.broadcast(SPECIES, b);
        FloatVector cv = FloatVector.broadcast(SPECIES, c);
        int j = 0;
        for (int bound = SPECIES.loopBound(len); j < bound; j += VL) {
            FloatVector acc = FloatVector.fromArray(SPECIES, y, off + j);
            acc = FloatVector.fromArray(SPECIES, line, lineOff + j).fma(av, acc);
            acc = FloatVector.fromArray(SPECIES, line, lineOff + j + 1).fma(bv, acc);
            FloatVector.fromArray(SPECIES, line, lineOff + j + 2).fma(cv, acc).intoArray(y, off + j);
        }
        for (; j < len; j++) {
            y[off + j] += a * line[lineOff + j] + b * line[lineOff + j + 1] + c * line[lineOff + j + 2];
        }
    }

    /** The taps of a 3×3 kernel: the sums {@link #nineTapSums} keeps. */
    static final int TAPS = 9;

    /**
     * The nine tap sums of a 3×3 kernel's weight gradient, added into the lanes of nine vectors from {@code a}, over a
     * padded dy plane taken as one run: with dy's value at row r, column j in {@code dy[dyOff + r·pitch + j]} and
     * zeros in each row's last two places, and the input's padded lines ({@code x} row i − 1 at line i, a zero before
     * each row) from {@code lines[0]}, tap (kh, kw)'s sum is {@code Σ dy[dyOff + q]·lines[q + kh·pitch + kw]} over q
     * in [0, count): the zeros take the place of the row ends, so one loop runs over the whole
     * plane, not a loop of a vector or two per row. {@code count} is a multiple of VL; the arrays hold zeros (or
     * anything finite) up to where its last vector reads.
     */
    static void nineTapSums(float[] lines, float[] dy, int dyOff, int count, int pitch, float[] lanes, int a) {
        FloatVector t0 = FloatVector.zero(SPECIES), t1 = t0, t2 = t0, t3 = t0, t4 = t0, t5 = t0, t6 = t0, t7 = t0;
        FloatVector t8 = t0;
        int l1 = pitch, l2 = 2 * pitch;
        for (int q = 0; q < count; q += VL) {
            FloatVector v = FloatVector.fromArray(SPECIES, dy, dyOff + q);
            t0 = FloatVector.fromArray(SPECIES, lines, q).fma(v, t0);
            t1 = FloatVector.fromArray(SPECIES, lines, q + 1).fma(v, t1);
            t2 = FloatVector.fromArray(SPECIES, lines, q + 2).fma(v, t2);
            t3 = FloatVector.fromArray(SPECIES, lines, l1 + q).fma(v, t3);
            t4 = FloatVector.fromArray(SPECIES, lines, l1 + q + 1).fma(v, t4);
            t5 = FloatVector.fromArray(SPECIES, lines, l1 + q + 2).fma(v, t5);
            t6 = FloatVector.fromArray(SPECIES, lines, l2 + q).fma(v, t6);
            t7 = FloatVector.fromArray(SPECIES, lines, l2 + q + 1).fma(v, t7);
            t8 = FloatVector.fromArray(SPECIES, lines, l2 + q + 2).fma(v, t8);
        }
        // One statement per sum: an array of vectors would box them.
        FloatVector.fromArray(SPECIES, lanes, a).add(t0).intoArray(lanes, a);
        FloatVector.fromArray(SPECIES, lanes, a + VL).add(t1).intoArray(lanes, a + VL);
        FloatVector.fromArray(SPECIES, lanes, a + 2 * VL).add(t2).intoArray(lanes, a + 2 * VL);
        FloatVector.fromArray(SPECIES, lanes, a + 3 * VL).add(t3).intoArray(lanes, a + 3 * VL);
        FloatVector.fromArray(SPECIES, lanes, a + 4 * VL).add(t4).intoArray(lanes, a + 4 * VL);
        FloatVector.fromArray(SPECIES, lanes, a + 5 * VL).add(t5).intoArray(lanes, a + 5 * VL);
        FloatVector.fromArray(SPECIES, lanes, a + 6 * VL).add(t6).intoArray(lanes, a + 6 * VL);
        FloatVector.fromArray(SPECIES, lanes, a + 7 * VL).add(t7).intoArray(lanes, a + 7 * VL);
        FloatVector.fromArray(SPECIES, lanes, a + 8 * VL).add(t8).intoArray(lanes, a + 8 * VL);
    }

    /** Σ dy and Σ dy·x over one channel's spatial run; returns them in {@code out[0]}, {@code out[1]}. */
    static void sumAndDot(float[] dy, float[] x, int off, int len, double[] out) {
        // Two accumulator pairs, so that consecutive vectors do not wait on one another's additions.
        FloatVector s0 = FloatVector.zero(SPECIES), d0 = FloatVector.zero(SPECIES);
        FloatVector s1 = FloatVector.zero(SPECIES), d1 = FloatVector.zero(SPECIES);
        int i = off, end = off + len;
        for (int bound = off + (len / (2 * VL)) * 2 * VL; i < bound; i += 2 * VL) {
            FloatVector g0 = FloatVector.fromArray(SPECIES, dy, i), g1 = FloatVector.fromArray(SPECIES, dy, i + VL);
            s0 = s0.add(g0);
            s1 = s1.add(g1);
            d0 = g0.fma(FloatVector.fromArray(SPECIES, x, i), d0);
            d1 = g1.fma(FloatVector.fromArray(SPECIES, x, i + VL), d1);
        }
        double sum = sumLanes(s0.add(s1)), dot = sumLanes(d0.add(d1));
        for (; i < end; i++) {
            sum += dy[i];
            dot += (double) dy[i] * x[i];
        }
        out[0] = sum;
        out[1] = dot;
    }

    /**
     * The gradient of SiLU's input where that input is {@code y = x·scale + shift} (a normalised channel):
     * {@code d = dz·σ(y)·(1 + y·(1 − σ(y)))} into {@code d} from {@code dOff}, and Σd, Σd·x into {@code sums}.
     */
    static void siluGradientOfAffine(float[] x, float[] dz, int off, int len, float scale, float shift, float[] d,
                                     int dOff, double[] sums) {
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        FloatVector sum = FloatVector.zero(SPECIES), dot = FloatVector.zero(SPECIES);
        int i = 0;
        for (int bound = SPECIES.loopBound(len); i < bound; i += VL) {
            FloatVector xv = FloatVector.fromArray(SPECIES, x, off + i);
            FloatVector y = xv.fma(scale, shift);
            FloatVector s = one.div(exp(y.neg()).add(1f));
            FloatVector grad = FloatVector.fromArray(SPECIES, dz, off + i).mul(s.mul(y.mul(s.neg().add(1f)).add(1f)));
            grad.intoArray(d, dOff + i);
            sum = sum.add(grad);
            dot = grad.fma(xv, dot);
        }
        siluGradientTail(x, dz, off, i, len, scale, shift, d, dOff, sumLanes(sum), sumLanes(dot), sums);
    }

    /**
     * {@link #siluGradientOfAffine}'s values from i to len one by one, their sums added to the vector part's
     * {@code sumD} and {@code sumDX}, into {@code sums}.
     */
    private static void siluGradientTail(float[] x, float[] dz, int off, int i, int len, float scale, float shift,
                                         float[] d, int dOff, double sumD, double sumDX, double[] sums) {
        for (; i < len; i++) {
            float y = x[off + i] * scale + shift;
            double s = 1 / (1 + Math.exp(-y));
            float grad = (float) (dz[off + i] * s * (1 + y * (1 - s)));
            d[dOff + i] = grad;
            sumD += grad;
            sumDX += (double) grad * x[off + i];
        }
        sums[0] = sumD;
        sums[1] = sumDX;
    }

    /** {@code dx = a·d + b·x + c} over a run (written, not accumulated); d from {@code dOff}, x and dx from off. */
    static void affineCombination(float[] d, int dOff, float[] x, float[] dx, int off, int len, float a, float b,
                                  float c) {
        int i = 0;
        for (int bound = SPECIES.loopBound(len); i < bound; i += VL) {
            FloatVector.fromArray(SPECIES, d, dOff + i).mul(a)
                    .add(FloatVector.fromArray(SPECIES, x, off + i).fma(b, c)).intoArray(dx, off + i);
        }
        for (; i < len; i++) {
            dx[off + i] = a * d[dOff + i] + b * x[off + i] + c;
        }
    }

    /**
     * {@link #affineCombination} of dy over one run and {@link #sumAndDot} of dy and x over another of the same length
     * (from {@code nextOff}), in one loop: the group norm backward writes one group's dx while it reads the next group from
     * memory, so that the loads of the one overlap the stores of the other. Same operations, in the same order, as the
     * two calls.
     */
    static void affineCombinationAndSums(float[] dy, float[] x, float[] dx, int off, int len, float a, float b,
                                         float c, int nextOff, double[] sums) {
        FloatVector s0 = FloatVector.zero(SPECIES), d0 = FloatVector.zero(SPECIES);
        FloatVector s1 = FloatVector.zero(SPECIES), d1 = FloatVector.zero(SPECIES);
        int i = 0;
        for (int bound = (len / (2 * VL)) * 2 * VL; i < bound; i += 2 * VL) {
            // The next run's loads ahead of this run's stores, so that no load waits behind a store it might alias.
            FloatVector g0 = FloatVector.fromArray(SPECIES, dy, nextOff + i);
            FloatVector g1 = FloatVector.fromArray(SPECIES, dy, nextOff + i + VL);
            FloatVector h0 = FloatVector.fromArray(SPECIES, x, nextOff + i);
            FloatVector h1 = FloatVector.fromArray(SPECIES, x, nextOff + i + VL);
            FloatVector.fromArray(SPECIES, dy, off + i).mul(a)
                    .add(FloatVector.fromArray(SPECIES, x, off + i).fma(b, c)).intoArray(dx, off + i);
            FloatVector.fromArray(SPECIES, dy, off + i + VL).mul(a)
                    .add(FloatVector.fromArray(SPECIES, x, off + i + VL).fma(b, c)).intoArray(dx, off + i + VL);
            s0 = s0.add(g0);
            s1 = s1.add(g1);
            d0 = g0.fma(h0, d0);
            d1 = g1.fma(h1, d1);
        }
        double sum = sumLanes(s0.add(s1)), dot = sumLanes(d0.add(d1));
        for (int j = i; j < len; j++) {
            sum += dy[nextOff + j];
            dot += (double) dy[nextOff + j] * x[nextOff + j];
        }
        sums[0] = sum;
        sums[1] = dot;
        affineCombination(dy, off + i, x, dx, off + i, len - i, a, b, c);
    }

    /**
     * {@link #affineCombination} over one run and {@link #siluGradientOfAffine} over another of the same length, in
     * one loop, for the same reason as {@link #affineCombinationAndSums}; same operations, in the same order, as the
     * two calls. The loop's two sums are stored in {@code lanes} (2·VL floats) and added up from there: inside the
     * group norm's backward C2 did not inline {@link #sumLanes(FloatVector)} here and boxed both vectors on every call.
     */
    static void affineCombinationAndSiluSums(float[] d, int dOff, float[] x, float[] dx, int off, int len, float a,
                                             float b, float c, float[] dzNext, int nextOff, float scale, float shift,
                                             float[] dNext, int dNextOff, double[] sums, float[] lanes) {
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        FloatVector sum = FloatVector.zero(SPECIES), dot = FloatVector.zero(SPECIES);
        int i = 0;
        for (int bound = SPECIES.loopBound(len); i < bound; i += VL) {
            FloatVector.fromArray(SPECIES, d, dOff + i).mul(a)
                    .add(FloatVector.fromArray(SPECIES, x, off + i).fma(b, c)).intoArray(dx, off + i);
            FloatVector xv = FloatVector.fromArray(SPECIES, x, nextOff + i);
            FloatVector y = xv.fma(scale, shift);
            FloatVector s = one.div(exp(y.neg()).add(1f));
            FloatVector grad = FloatVector.fromArray(SPECIES, dzNext, nextOff + i)
                    .mul(s.mul(y.mul(s.neg().add(1f)).add(1f)));
            grad.intoArray(dNext, dNextOff + i);
            sum = sum.add(grad);
            dot = grad.fma(xv, dot);
        }
        sum.intoArray(lanes, 0);
        dot.intoArray(lanes, VL);
        siluGradientTail(x, dzNext, nextOff, i, len, scale, shift, dNext, dNextOff, sumLanes(lanes, 0),
                sumLanes(lanes, VL), sums);
        affineCombination(d, dOff + i, x, dx, off + i, len - i, a, b, c);
    }

    static void silu(float[] x, float[] y, int off, int len) {
        int i = off, end = off + len;
        for (int bound = off + SPECIES.loopBound(len); i < bound; i += VL) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, i);
            v.div(exp(v.neg()).add(1f)).intoArray(y, i);
        }
        for (; i < end; i++) {
            y[i] = (float) (x[i] / (1 + Math.exp(-x[i])));
        }
    }

    /** {@code dx += dy·σ(x)·(1 + x·(1 − σ(x)))}. */
    static void siluBackward(float[] x, float[] dy, float[] dx, int off, int len) {
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        int i = off, end = off + len;
        for (int bound = off + SPECIES.loopBound(len); i < bound; i += VL) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, i);
            FloatVector s = one.div(exp(v.neg()).add(1f));
            FloatVector grad = s.mul(v.mul(s.neg().add(1f)).add(1f));
            FloatVector.fromArray(SPECIES, dy, i).fma(grad, FloatVector.fromArray(SPECIES, dx, i)).intoArray(dx, i);
        }
        for (; i < end; i++) {
            double s = 1 / (1 + Math.exp(-x[i]));
            dx[i] += (float) (dy[i] * s * (1 + x[i] * (1 - s)));
        }
    }

    /** Softmax of one row, {@code y} may be {@code x}: max-shifted exponentials, normalised. */
    static void softmaxRow(float[] x, float[] y, int off, int len) {
        FloatVector mv = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        int i = off, end = off + len, bound = off + SPECIES.loopBound(len);
        for (; i < bound; i += VL) {
            // Compare and blend, not Java's max (see exp): a NaN is left out here and turns the row to NaN below.
            FloatVector v = FloatVector.fromArray(SPECIES, x, i);
            mv = mv.blend(v, v.compare(VectorOperators.GT, mv));
        }
        float max = mv.reduceLanes(VectorOperators.MAX);
        for (; i < end; i++) {
            max = Math.max(max, x[i]);
        }
        FloatVector sv = FloatVector.zero(SPECIES);
        for (i = off; i < bound; i += VL) {
            FloatVector d = FloatVector.fromArray(SPECIES, x, i).sub(max);
            // exp below 2^-126 is subnormal; Java cannot set flush-to-zero, and subnormal operands make every
            // later FMA on these probabilities (P·V, the attention backward) take a slow microcode path.
            FloatVector e = exp(d).blend(0f, d.lt(SUBNORMAL_EXP_BELOW));
            e.intoArray(y, i);
            sv = sv.add(e);
        }
        double sum = sumLanes(sv);
        for (; i < end; i++) {
            float d = x[i] - max;
            float e = d < SUBNORMAL_EXP_BELOW ? 0f : (float) Math.exp(d);
            y[i] = e;
            sum += e;
        }
        scale(y, (float) (1.0 / sum), y, off, len);
    }

    /** {@code dx += y ⊙ (dy − Σ dy·y)·s} for one row: softmax backward, with an optional extra scale s. */
    static void softmaxBackwardRow(float[] y, float[] dy, float[] dx, int off, int len, float s) {
        float dot = (float) dot(dy, off, y, off, len);
        int i = off, end = off + len;
        for (int bound = off + SPECIES.loopBound(len); i < bound; i += VL) {
            FloatVector yv = FloatVector.fromArray(SPECIES, y, i);
            FloatVector g = FloatVector.fromArray(SPECIES, dy, i).sub(dot).mul(yv);
            g.mul(s).add(FloatVector.fromArray(SPECIES, dx, i)).intoArray(dx, i);
        }
        for (; i < end; i++) {
            dx[i] += y[i] * (dy[i] - dot) * s;
        }
    }

    /**
     * {@code g = p ⊙ (g − Σ g·p)·s} in place, for one row: the softmax backward when the incoming gradient
     * buffer may be overwritten (the attention-score gradient).
     */
    static void softmaxGradInPlace(float[] p, int pOff, float[] g, int gOff, int len, float s) {
        float dot = (float) dot(g, gOff, p, pOff, len);
        int i = 0;
        for (int bound = SPECIES.loopBound(len); i < bound; i += VL) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector.fromArray(SPECIES, g, gOff + i).sub(dot).mul(pv).mul(s).intoArray(g, gOff + i);
        }
        for (; i < len; i++) {
            g[gOff + i] = p[pOff + i] * (g[gOff + i] - dot) * s;
        }
    }
}
