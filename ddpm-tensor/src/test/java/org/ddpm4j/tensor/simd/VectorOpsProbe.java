package org.ddpm4j.tensor.simd;

import java.util.SplittableRandom;

/**
 * Runs every vector loop with a reduction or an exponential over fixed data and prints a checksum of all the bits
 * they wrote: {@link VectorOpsDeterminismTest} compares the interpreter's checksum with compiled code's.
 */
public final class VectorOpsProbe {
    private static final int LENGTH = 1003;

    private VectorOpsProbe() {
    }

    public static void main(String[] args) {
        System.out.println(Long.toHexString(checksum(Integer.parseInt(args[0]))));
    }

    /** The checksum after {@code rounds} runs of every loop (the last run's bits). */
    static long checksum(int rounds) {
        SplittableRandom r = new SplittableRandom(5);
        float[] x = new float[LENGTH], dy = new float[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            x[i] = (float) (r.nextGaussian() * 6);
            dy[i] = (float) r.nextGaussian();
        }
        long h = 0;
        for (int round = 0; round < rounds; round++) {
            float[] y = new float[LENGTH], dx = new float[LENGTH], soft = new float[LENGTH];
            double[] pair = new double[2], moments = new double[2], fused = new double[2];
            VectorOps.silu(x, y, 0, LENGTH);
            VectorOps.siluBackward(x, dy, dx, 0, LENGTH);
            VectorOps.softmaxRow(x, soft, 0, LENGTH);
            VectorOps.sumAndDot(dy, x, 0, LENGTH, pair);
            float shift = VectorOps.momentShift(x, 0, LENGTH);
            VectorOps.moments(x, 0, LENGTH, shift, moments);
            // The fused loops over whole pairs of vectors: normalise the first part, take the moments of the next.
            int run = LENGTH / (4 * VectorOps.VL) * 2 * VectorOps.VL;
            float[] acc = new float[4 * VectorOps.VL], normalised = new float[LENGTH];
            VectorOps.normalizeAndMoments(x, normalised, 0, run, 0.5f, 1.5f, 0.25f, run, shift, acc);
            VectorOps.normalizeSiluAndMoments(x, normalised, 0, run, 0.5f, 1.5f, 0.25f, run, shift, acc);
            VectorOps.accumulatedMoments(acc, fused);
            double[] sums = {VectorOps.sum(x, 0, LENGTH), shift, moments[0], moments[1], fused[0], fused[1],
                    VectorOps.dot(x, 0, dy, 0, LENGTH), pair[0], pair[1]};
            h = 0xcbf29ce484222325L;
            for (float[] a : new float[][] {y, dx, soft, normalised}) {
                for (float v : a) {
                    h = (h ^ Float.floatToRawIntBits(v)) * 0x100000001b3L;
                }
            }
            for (double v : sums) {
                h = (h ^ Double.doubleToRawLongBits(v)) * 0x100000001b3L;
            }
        }
        return h;
    }
}
