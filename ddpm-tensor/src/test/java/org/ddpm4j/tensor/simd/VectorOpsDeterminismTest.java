package org.ddpm4j.tensor.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.ddpm4j.tensor.ForkedJvm;
import org.junit.jupiter.api.Test;

/**
 * The SIMD loops give the same bits interpreted and compiled, so a same-seed run repeats exactly (and a distributed
 * run equals its single-process twin); and the polynomial e^x they use is as accurate as a float allows.
 */
class VectorOpsDeterminismTest {
    /** e^x's relative error against Math.exp: about 2 ulp of a float (Cephes' expf claims 1). */
    private static final double EXP_RELATIVE_TOLERANCE = 2.5e-7;
    /** Enough calls for the JIT to compile every loop of the probe with its intrinsics. */
    private static final int WARM_ROUNDS = 20_000;

    @Test
    void theInterpreterAndCompiledCodeGiveTheSameBits() throws IOException, InterruptedException {
        String compiled = Long.toHexString(VectorOpsProbe.checksum(WARM_ROUNDS));
        ForkedJvm.Result interpreted = ForkedJvm.run(VectorOpsProbe.class,
                List.of("-Xint", "--add-modules", "jdk.incubator.vector"), List.of("1"));
        assertEquals(0, interpreted.exitCode(), interpreted.output());
        List<String> lines = interpreted.output().lines().filter(l -> !l.startsWith("WARNING")).toList();
        assertEquals(compiled, lines.get(lines.size() - 1), "checksum interpreted (-Xint) vs compiled");
    }

    @Test
    void theScalarLaneSumAddsInTheVectorTreesOrder() {
        int vl = VectorOps.VL;
        SplittableRandom r = new SplittableRandom(11);
        float[] lanes = new float[vl + 1];
        for (int trial = 0; trial < 1000; trial++) {
            for (int l = 0; l < lanes.length; l++) {
                // Magnitudes 2^-20 .. 2^20, so that the order of the additions shows in the bits.
                lanes[l] = (float) (r.nextGaussian() * Math.scalb(1.0, r.nextInt(-20, 21)));
            }
            double vector = VectorOps.sumLanes(FloatVector.fromArray(VectorOps.SPECIES, lanes, 1));
            assertEquals(Double.doubleToRawLongBits(vector), Double.doubleToRawLongBits(VectorOps.sumLanes(lanes, 1)),
                    "trial " + trial);
        }
    }

    @Test
    void expIsWithinTwoUlpOfMathExpOverItsRange() {
        int vl = VectorOps.VL;
        float[] x = new float[vl], y = new float[vl];
        double worst = 0;
        // The clamping range: below it softmax flushes to zero and SiLU adds 1; above it no caller goes.
        for (double start = -87; start < 88; start += 1e-3 * vl) {
            for (int l = 0; l < vl; l++) {
                x[l] = (float) Math.min(start + 1e-3 * l, 88);
            }
            VectorOps.exp(FloatVector.fromArray(VectorOps.SPECIES, x, 0)).intoArray(y, 0);
            for (int l = 0; l < vl; l++) {
                double exact = Math.exp(x[l]);
                worst = Math.max(worst, Math.abs(y[l] - exact) / exact);
            }
        }
        assertTrue(worst <= EXP_RELATIVE_TOLERANCE, "worst relative error " + worst);
    }
}
