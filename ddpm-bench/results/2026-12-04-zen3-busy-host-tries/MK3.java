import jdk.incubator.vector.*;
public class MK3 {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED; static final int VL = S.length();
  static void k4x2(int kc, float[] pa, int ao, float[] pb, int bo, float[] c, int co, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    for (int p = 0; p < kc; p++) {
      FloatVector b0 = FloatVector.fromArray(S, pb, bo + 0 * VL); FloatVector b1 = FloatVector.fromArray(S, pb, bo + 1 * VL);
      FloatVector a0 = FloatVector.broadcast(S, pa[ao + 0]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, pa[ao + 1]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, pa[ao + 2]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, pa[ao + 3]); c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
      ao += 4; bo += 2 * VL;
    }
    c00.add(FloatVector.fromArray(S, c, co + 0 * ldc + 0 * VL)).intoArray(c, co + 0 * ldc + 0 * VL);
    c01.add(FloatVector.fromArray(S, c, co + 0 * ldc + 1 * VL)).intoArray(c, co + 0 * ldc + 1 * VL);
    c10.add(FloatVector.fromArray(S, c, co + 1 * ldc + 0 * VL)).intoArray(c, co + 1 * ldc + 0 * VL);
    c11.add(FloatVector.fromArray(S, c, co + 1 * ldc + 1 * VL)).intoArray(c, co + 1 * ldc + 1 * VL);
    c20.add(FloatVector.fromArray(S, c, co + 2 * ldc + 0 * VL)).intoArray(c, co + 2 * ldc + 0 * VL);
    c21.add(FloatVector.fromArray(S, c, co + 2 * ldc + 1 * VL)).intoArray(c, co + 2 * ldc + 1 * VL);
    c30.add(FloatVector.fromArray(S, c, co + 3 * ldc + 0 * VL)).intoArray(c, co + 3 * ldc + 0 * VL);
    c31.add(FloatVector.fromArray(S, c, co + 3 * ldc + 1 * VL)).intoArray(c, co + 3 * ldc + 1 * VL);
  }
  static void k3x3(int kc, float[] pa, int ao, float[] pb, int bo, float[] c, int co, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S);
    for (int p = 0; p < kc; p++) {
      FloatVector b0 = FloatVector.fromArray(S, pb, bo + 0 * VL); FloatVector b1 = FloatVector.fromArray(S, pb, bo + 1 * VL); FloatVector b2 = FloatVector.fromArray(S, pb, bo + 2 * VL);
      FloatVector a0 = FloatVector.broadcast(S, pa[ao + 0]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02);
      FloatVector a1 = FloatVector.broadcast(S, pa[ao + 1]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12);
      FloatVector a2 = FloatVector.broadcast(S, pa[ao + 2]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21); c22 = a2.fma(b2, c22);
      ao += 3; bo += 3 * VL;
    }
    c00.add(FloatVector.fromArray(S, c, co + 0 * ldc + 0 * VL)).intoArray(c, co + 0 * ldc + 0 * VL);
    c01.add(FloatVector.fromArray(S, c, co + 0 * ldc + 1 * VL)).intoArray(c, co + 0 * ldc + 1 * VL);
    c02.add(FloatVector.fromArray(S, c, co + 0 * ldc + 2 * VL)).intoArray(c, co + 0 * ldc + 2 * VL);
    c10.add(FloatVector.fromArray(S, c, co + 1 * ldc + 0 * VL)).intoArray(c, co + 1 * ldc + 0 * VL);
    c11.add(FloatVector.fromArray(S, c, co + 1 * ldc + 1 * VL)).intoArray(c, co + 1 * ldc + 1 * VL);
    c12.add(FloatVector.fromArray(S, c, co + 1 * ldc + 2 * VL)).intoArray(c, co + 1 * ldc + 2 * VL);
    c20.add(FloatVector.fromArray(S, c, co + 2 * ldc + 0 * VL)).intoArray(c, co + 2 * ldc + 0 * VL);
    c21.add(FloatVector.fromArray(S, c, co + 2 * ldc + 1 * VL)).intoArray(c, co + 2 * ldc + 1 * VL);
    c22.add(FloatVector.fromArray(S, c, co + 2 * ldc + 2 * VL)).intoArray(c, co + 2 * ldc + 2 * VL);
  }
  static void k2x4(int kc, float[] pa, int ao, float[] pb, int bo, float[] c, int co, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
    for (int p = 0; p < kc; p++) {
      FloatVector b0 = FloatVector.fromArray(S, pb, bo + 0 * VL); FloatVector b1 = FloatVector.fromArray(S, pb, bo + 1 * VL); FloatVector b2 = FloatVector.fromArray(S, pb, bo + 2 * VL); FloatVector b3 = FloatVector.fromArray(S, pb, bo + 3 * VL);
      FloatVector a0 = FloatVector.broadcast(S, pa[ao + 0]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02); c03 = a0.fma(b3, c03);
      FloatVector a1 = FloatVector.broadcast(S, pa[ao + 1]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12); c13 = a1.fma(b3, c13);
      ao += 2; bo += 4 * VL;
    }
    c00.add(FloatVector.fromArray(S, c, co + 0 * ldc + 0 * VL)).intoArray(c, co + 0 * ldc + 0 * VL);
    c01.add(FloatVector.fromArray(S, c, co + 0 * ldc + 1 * VL)).intoArray(c, co + 0 * ldc + 1 * VL);
    c02.add(FloatVector.fromArray(S, c, co + 0 * ldc + 2 * VL)).intoArray(c, co + 0 * ldc + 2 * VL);
    c03.add(FloatVector.fromArray(S, c, co + 0 * ldc + 3 * VL)).intoArray(c, co + 0 * ldc + 3 * VL);
    c10.add(FloatVector.fromArray(S, c, co + 1 * ldc + 0 * VL)).intoArray(c, co + 1 * ldc + 0 * VL);
    c11.add(FloatVector.fromArray(S, c, co + 1 * ldc + 1 * VL)).intoArray(c, co + 1 * ldc + 1 * VL);
    c12.add(FloatVector.fromArray(S, c, co + 1 * ldc + 2 * VL)).intoArray(c, co + 1 * ldc + 2 * VL);
    c13.add(FloatVector.fromArray(S, c, co + 1 * ldc + 3 * VL)).intoArray(c, co + 1 * ldc + 3 * VL);
  }
  static void k5x2(int kc, float[] pa, int ao, float[] pb, int bo, float[] c, int co, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
    for (int p = 0; p < kc; p++) {
      FloatVector b0 = FloatVector.fromArray(S, pb, bo + 0 * VL); FloatVector b1 = FloatVector.fromArray(S, pb, bo + 1 * VL);
      FloatVector a0 = FloatVector.broadcast(S, pa[ao + 0]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, pa[ao + 1]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, pa[ao + 2]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, pa[ao + 3]); c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
      FloatVector a4 = FloatVector.broadcast(S, pa[ao + 4]); c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
      ao += 5; bo += 2 * VL;
    }
    c00.add(FloatVector.fromArray(S, c, co + 0 * ldc + 0 * VL)).intoArray(c, co + 0 * ldc + 0 * VL);
    c01.add(FloatVector.fromArray(S, c, co + 0 * ldc + 1 * VL)).intoArray(c, co + 0 * ldc + 1 * VL);
    c10.add(FloatVector.fromArray(S, c, co + 1 * ldc + 0 * VL)).intoArray(c, co + 1 * ldc + 0 * VL);
    c11.add(FloatVector.fromArray(S, c, co + 1 * ldc + 1 * VL)).intoArray(c, co + 1 * ldc + 1 * VL);
    c20.add(FloatVector.fromArray(S, c, co + 2 * ldc + 0 * VL)).intoArray(c, co + 2 * ldc + 0 * VL);
    c21.add(FloatVector.fromArray(S, c, co + 2 * ldc + 1 * VL)).intoArray(c, co + 2 * ldc + 1 * VL);
    c30.add(FloatVector.fromArray(S, c, co + 3 * ldc + 0 * VL)).intoArray(c, co + 3 * ldc + 0 * VL);
    c31.add(FloatVector.fromArray(S, c, co + 3 * ldc + 1 * VL)).intoArray(c, co + 3 * ldc + 1 * VL);
    c40.add(FloatVector.fromArray(S, c, co + 4 * ldc + 0 * VL)).intoArray(c, co + 4 * ldc + 0 * VL);
    c41.add(FloatVector.fromArray(S, c, co + 4 * ldc + 1 * VL)).intoArray(c, co + 4 * ldc + 1 * VL);
  }
  static void k4x3(int kc, float[] pa, int ao, float[] pb, int bo, float[] c, int co, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S);
    for (int p = 0; p < kc; p++) {
      FloatVector b0 = FloatVector.fromArray(S, pb, bo + 0 * VL); FloatVector b1 = FloatVector.fromArray(S, pb, bo + 1 * VL); FloatVector b2 = FloatVector.fromArray(S, pb, bo + 2 * VL);
      FloatVector a0 = FloatVector.broadcast(S, pa[ao + 0]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02);
      FloatVector a1 = FloatVector.broadcast(S, pa[ao + 1]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12);
      FloatVector a2 = FloatVector.broadcast(S, pa[ao + 2]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21); c22 = a2.fma(b2, c22);
      FloatVector a3 = FloatVector.broadcast(S, pa[ao + 3]); c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31); c32 = a3.fma(b2, c32);
      ao += 4; bo += 3 * VL;
    }
    c00.add(FloatVector.fromArray(S, c, co + 0 * ldc + 0 * VL)).intoArray(c, co + 0 * ldc + 0 * VL);
    c01.add(FloatVector.fromArray(S, c, co + 0 * ldc + 1 * VL)).intoArray(c, co + 0 * ldc + 1 * VL);
    c02.add(FloatVector.fromArray(S, c, co + 0 * ldc + 2 * VL)).intoArray(c, co + 0 * ldc + 2 * VL);
    c10.add(FloatVector.fromArray(S, c, co + 1 * ldc + 0 * VL)).intoArray(c, co + 1 * ldc + 0 * VL);
    c11.add(FloatVector.fromArray(S, c, co + 1 * ldc + 1 * VL)).intoArray(c, co + 1 * ldc + 1 * VL);
    c12.add(FloatVector.fromArray(S, c, co + 1 * ldc + 2 * VL)).intoArray(c, co + 1 * ldc + 2 * VL);
    c20.add(FloatVector.fromArray(S, c, co + 2 * ldc + 0 * VL)).intoArray(c, co + 2 * ldc + 0 * VL);
    c21.add(FloatVector.fromArray(S, c, co + 2 * ldc + 1 * VL)).intoArray(c, co + 2 * ldc + 1 * VL);
    c22.add(FloatVector.fromArray(S, c, co + 2 * ldc + 2 * VL)).intoArray(c, co + 2 * ldc + 2 * VL);
    c30.add(FloatVector.fromArray(S, c, co + 3 * ldc + 0 * VL)).intoArray(c, co + 3 * ldc + 0 * VL);
    c31.add(FloatVector.fromArray(S, c, co + 3 * ldc + 1 * VL)).intoArray(c, co + 3 * ldc + 1 * VL);
    c32.add(FloatVector.fromArray(S, c, co + 3 * ldc + 2 * VL)).intoArray(c, co + 3 * ldc + 2 * VL);
  }
  static void k4x2u2(int kc, float[] pa, int ao, float[] pb, int bo, float[] c, int co, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    int p = 0;
    for (; p + 2 <= kc; p += 2) {
      { FloatVector b0 = FloatVector.fromArray(S, pb, bo + 0 * VL); FloatVector b1 = FloatVector.fromArray(S, pb, bo + 1 * VL);
      FloatVector a0 = FloatVector.broadcast(S, pa[ao + 0]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, pa[ao + 1]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, pa[ao + 2]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, pa[ao + 3]); c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
      }
      { FloatVector b0 = FloatVector.fromArray(S, pb, bo + 2 * VL); FloatVector b1 = FloatVector.fromArray(S, pb, bo + 3 * VL);
      FloatVector a0 = FloatVector.broadcast(S, pa[ao + 4]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, pa[ao + 5]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, pa[ao + 6]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, pa[ao + 7]); c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
      }
      ao += 8; bo += 4 * VL;
    }
    for (; p < kc; p++) {
      FloatVector b0 = FloatVector.fromArray(S, pb, bo + 0 * VL); FloatVector b1 = FloatVector.fromArray(S, pb, bo + 1 * VL);
      FloatVector a0 = FloatVector.broadcast(S, pa[ao + 0]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, pa[ao + 1]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, pa[ao + 2]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, pa[ao + 3]); c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
      ao += 4; bo += 2 * VL;
    }
    c00.add(FloatVector.fromArray(S, c, co + 0 * ldc + 0 * VL)).intoArray(c, co + 0 * ldc + 0 * VL);
    c01.add(FloatVector.fromArray(S, c, co + 0 * ldc + 1 * VL)).intoArray(c, co + 0 * ldc + 1 * VL);
    c10.add(FloatVector.fromArray(S, c, co + 1 * ldc + 0 * VL)).intoArray(c, co + 1 * ldc + 0 * VL);
    c11.add(FloatVector.fromArray(S, c, co + 1 * ldc + 1 * VL)).intoArray(c, co + 1 * ldc + 1 * VL);
    c20.add(FloatVector.fromArray(S, c, co + 2 * ldc + 0 * VL)).intoArray(c, co + 2 * ldc + 0 * VL);
    c21.add(FloatVector.fromArray(S, c, co + 2 * ldc + 1 * VL)).intoArray(c, co + 2 * ldc + 1 * VL);
    c30.add(FloatVector.fromArray(S, c, co + 3 * ldc + 0 * VL)).intoArray(c, co + 3 * ldc + 0 * VL);
    c31.add(FloatVector.fromArray(S, c, co + 3 * ldc + 1 * VL)).intoArray(c, co + 3 * ldc + 1 * VL);
  }
  static void k4x2u4(int kc, float[] pa, int ao, float[] pb, int bo, float[] c, int co, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    int p = 0;
    for (; p + 4 <= kc; p += 4) {
      { FloatVector b0 = FloatVector.fromArray(S, pb, bo + 0 * VL); FloatVector b1 = FloatVector.fromArray(S, pb, bo + 1 * VL);
      FloatVector a0 = FloatVector.broadcast(S, pa[ao + 0]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, pa[ao + 1]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, pa[ao + 2]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, pa[ao + 3]); c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
      }
      { FloatVector b0 = FloatVector.fromArray(S, pb, bo + 2 * VL); FloatVector b1 = FloatVector.fromArray(S, pb, bo + 3 * VL);
      FloatVector a0 = FloatVector.broadcast(S, pa[ao + 4]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, pa[ao + 5]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, pa[ao + 6]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, pa[ao + 7]); c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
      }
      { FloatVector b0 = FloatVector.fromArray(S, pb, bo + 4 * VL); FloatVector b1 = FloatVector.fromArray(S, pb, bo + 5 * VL);
      FloatVector a0 = FloatVector.broadcast(S, pa[ao + 8]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, pa[ao + 9]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, pa[ao + 10]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, pa[ao + 11]); c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
      }
      { FloatVector b0 = FloatVector.fromArray(S, pb, bo + 6 * VL); FloatVector b1 = FloatVector.fromArray(S, pb, bo + 7 * VL);
      FloatVector a0 = FloatVector.broadcast(S, pa[ao + 12]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, pa[ao + 13]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, pa[ao + 14]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, pa[ao + 15]); c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
      }
      ao += 16; bo += 8 * VL;
    }
    for (; p < kc; p++) {
      FloatVector b0 = FloatVector.fromArray(S, pb, bo + 0 * VL); FloatVector b1 = FloatVector.fromArray(S, pb, bo + 1 * VL);
      FloatVector a0 = FloatVector.broadcast(S, pa[ao + 0]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, pa[ao + 1]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, pa[ao + 2]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, pa[ao + 3]); c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
      ao += 4; bo += 2 * VL;
    }
    c00.add(FloatVector.fromArray(S, c, co + 0 * ldc + 0 * VL)).intoArray(c, co + 0 * ldc + 0 * VL);
    c01.add(FloatVector.fromArray(S, c, co + 0 * ldc + 1 * VL)).intoArray(c, co + 0 * ldc + 1 * VL);
    c10.add(FloatVector.fromArray(S, c, co + 1 * ldc + 0 * VL)).intoArray(c, co + 1 * ldc + 0 * VL);
    c11.add(FloatVector.fromArray(S, c, co + 1 * ldc + 1 * VL)).intoArray(c, co + 1 * ldc + 1 * VL);
    c20.add(FloatVector.fromArray(S, c, co + 2 * ldc + 0 * VL)).intoArray(c, co + 2 * ldc + 0 * VL);
    c21.add(FloatVector.fromArray(S, c, co + 2 * ldc + 1 * VL)).intoArray(c, co + 2 * ldc + 1 * VL);
    c30.add(FloatVector.fromArray(S, c, co + 3 * ldc + 0 * VL)).intoArray(c, co + 3 * ldc + 0 * VL);
    c31.add(FloatVector.fromArray(S, c, co + 3 * ldc + 1 * VL)).intoArray(c, co + 3 * ldc + 1 * VL);
  }
  static void k3x3u2(int kc, float[] pa, int ao, float[] pb, int bo, float[] c, int co, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S);
    int p = 0;
    for (; p + 2 <= kc; p += 2) {
      { FloatVector b0 = FloatVector.fromArray(S, pb, bo + 0 * VL); FloatVector b1 = FloatVector.fromArray(S, pb, bo + 1 * VL); FloatVector b2 = FloatVector.fromArray(S, pb, bo + 2 * VL);
      FloatVector a0 = FloatVector.broadcast(S, pa[ao + 0]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02);
      FloatVector a1 = FloatVector.broadcast(S, pa[ao + 1]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12);
      FloatVector a2 = FloatVector.broadcast(S, pa[ao + 2]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21); c22 = a2.fma(b2, c22);
      }
      { FloatVector b0 = FloatVector.fromArray(S, pb, bo + 3 * VL); FloatVector b1 = FloatVector.fromArray(S, pb, bo + 4 * VL); FloatVector b2 = FloatVector.fromArray(S, pb, bo + 5 * VL);
      FloatVector a0 = FloatVector.broadcast(S, pa[ao + 3]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02);
      FloatVector a1 = FloatVector.broadcast(S, pa[ao + 4]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12);
      FloatVector a2 = FloatVector.broadcast(S, pa[ao + 5]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21); c22 = a2.fma(b2, c22);
      }
      ao += 6; bo += 6 * VL;
    }
    for (; p < kc; p++) {
      FloatVector b0 = FloatVector.fromArray(S, pb, bo + 0 * VL); FloatVector b1 = FloatVector.fromArray(S, pb, bo + 1 * VL); FloatVector b2 = FloatVector.fromArray(S, pb, bo + 2 * VL);
      FloatVector a0 = FloatVector.broadcast(S, pa[ao + 0]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02);
      FloatVector a1 = FloatVector.broadcast(S, pa[ao + 1]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12);
      FloatVector a2 = FloatVector.broadcast(S, pa[ao + 2]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21); c22 = a2.fma(b2, c22);
      ao += 3; bo += 3 * VL;
    }
    c00.add(FloatVector.fromArray(S, c, co + 0 * ldc + 0 * VL)).intoArray(c, co + 0 * ldc + 0 * VL);
    c01.add(FloatVector.fromArray(S, c, co + 0 * ldc + 1 * VL)).intoArray(c, co + 0 * ldc + 1 * VL);
    c02.add(FloatVector.fromArray(S, c, co + 0 * ldc + 2 * VL)).intoArray(c, co + 0 * ldc + 2 * VL);
    c10.add(FloatVector.fromArray(S, c, co + 1 * ldc + 0 * VL)).intoArray(c, co + 1 * ldc + 0 * VL);
    c11.add(FloatVector.fromArray(S, c, co + 1 * ldc + 1 * VL)).intoArray(c, co + 1 * ldc + 1 * VL);
    c12.add(FloatVector.fromArray(S, c, co + 1 * ldc + 2 * VL)).intoArray(c, co + 1 * ldc + 2 * VL);
    c20.add(FloatVector.fromArray(S, c, co + 2 * ldc + 0 * VL)).intoArray(c, co + 2 * ldc + 0 * VL);
    c21.add(FloatVector.fromArray(S, c, co + 2 * ldc + 1 * VL)).intoArray(c, co + 2 * ldc + 1 * VL);
    c22.add(FloatVector.fromArray(S, c, co + 2 * ldc + 2 * VL)).intoArray(c, co + 2 * ldc + 2 * VL);
  }

  public static void main(String[] args) {
    int kc = 256, strips = 16;
    float[] b = new float[kc * 4 * VL * strips]; float[] a = new float[8 * kc * 8];
    java.util.Random r = new java.util.Random(1); for (int i = 0; i < b.length; i++) b[i] = r.nextFloat(); for (int i = 0; i < a.length; i++) a[i] = r.nextFloat();
    int ldc = 8 * 4 * VL; float[] cc = new float[64 * ldc];
    int[][] v = {{4,2},{42,2},{44,2},{3,3},{32,3}};
    for (int round = 0; round < 6; round++) {
      StringBuilder sb = new StringBuilder();
      for (int[] mv : v) {
        int code = mv[0], mr = code > 10 ? code / 10 : code, nv = mv[1];
        long t0 = System.nanoTime(); long flops = 0;
        for (int rep = 0; rep < 300; rep++) {
          for (int s = 0; s < strips; s++) {
            for (int blk = 0; blk < 60 / mr; blk++) {
              int ao = (blk % 8) * mr * kc, bo = s * kc * nv * VL, co = blk * mr * ldc + (s % 8) * nv * VL;
              switch (code * 10 + nv) {
                case 42 -> k4x2(kc, a, ao, b, bo, cc, co, ldc);
                case 33 -> k3x3(kc, a, ao, b, bo, cc, co, ldc);
                case 24 -> k2x4(kc, a, ao, b, bo, cc, co, ldc);
                case 52 -> k5x2(kc, a, ao, b, bo, cc, co, ldc);
                case 43 -> k4x3(kc, a, ao, b, bo, cc, co, ldc);
                case 422 -> k4x2u2(kc, a, ao, b, bo, cc, co, ldc);
                case 442 -> k4x2u4(kc, a, ao, b, bo, cc, co, ldc);
                case 323 -> k3x3u2(kc, a, ao, b, bo, cc, co, ldc);
                default -> throw new IllegalStateException();
              }
              flops += 2L * mr * nv * VL * kc;
            }
          }
        }
        long t = System.nanoTime() - t0;
        sb.append(String.format("%d/%dx%d %.1f  ", code, mr, nv, flops / (double) t));
      }
      System.out.println(sb);
    }
  }
}
