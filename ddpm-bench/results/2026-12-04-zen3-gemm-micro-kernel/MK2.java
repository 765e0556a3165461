import jdk.incubator.vector.*;
public class MK2 {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED; static final int VL = S.length();
  static void k8x2(int kc, float[] pa, int ao, float[] pb, int bo, float[] c, int co, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
    FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
    FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
    FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
    for (int p = 0; p < kc; p++) {
      FloatVector b0 = FloatVector.fromArray(S, pb, bo + 0 * VL); FloatVector b1 = FloatVector.fromArray(S, pb, bo + 1 * VL);
      FloatVector a0 = FloatVector.broadcast(S, pa[ao + 0]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, pa[ao + 1]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, pa[ao + 2]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, pa[ao + 3]); c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
      FloatVector a4 = FloatVector.broadcast(S, pa[ao + 4]); c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
      FloatVector a5 = FloatVector.broadcast(S, pa[ao + 5]); c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
      FloatVector a6 = FloatVector.broadcast(S, pa[ao + 6]); c60 = a6.fma(b0, c60); c61 = a6.fma(b1, c61);
      FloatVector a7 = FloatVector.broadcast(S, pa[ao + 7]); c70 = a7.fma(b0, c70); c71 = a7.fma(b1, c71);
      ao += 8; bo += 2 * VL;
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
    c50.add(FloatVector.fromArray(S, c, co + 5 * ldc + 0 * VL)).intoArray(c, co + 5 * ldc + 0 * VL);
    c51.add(FloatVector.fromArray(S, c, co + 5 * ldc + 1 * VL)).intoArray(c, co + 5 * ldc + 1 * VL);
    c60.add(FloatVector.fromArray(S, c, co + 6 * ldc + 0 * VL)).intoArray(c, co + 6 * ldc + 0 * VL);
    c61.add(FloatVector.fromArray(S, c, co + 6 * ldc + 1 * VL)).intoArray(c, co + 6 * ldc + 1 * VL);
    c70.add(FloatVector.fromArray(S, c, co + 7 * ldc + 0 * VL)).intoArray(c, co + 7 * ldc + 0 * VL);
    c71.add(FloatVector.fromArray(S, c, co + 7 * ldc + 1 * VL)).intoArray(c, co + 7 * ldc + 1 * VL);
  }
  static void k6x2(int kc, float[] pa, int ao, float[] pb, int bo, float[] c, int co, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
    FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
    for (int p = 0; p < kc; p++) {
      FloatVector b0 = FloatVector.fromArray(S, pb, bo + 0 * VL); FloatVector b1 = FloatVector.fromArray(S, pb, bo + 1 * VL);
      FloatVector a0 = FloatVector.broadcast(S, pa[ao + 0]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, pa[ao + 1]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, pa[ao + 2]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, pa[ao + 3]); c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
      FloatVector a4 = FloatVector.broadcast(S, pa[ao + 4]); c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
      FloatVector a5 = FloatVector.broadcast(S, pa[ao + 5]); c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
      ao += 6; bo += 2 * VL;
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
    c50.add(FloatVector.fromArray(S, c, co + 5 * ldc + 0 * VL)).intoArray(c, co + 5 * ldc + 0 * VL);
    c51.add(FloatVector.fromArray(S, c, co + 5 * ldc + 1 * VL)).intoArray(c, co + 5 * ldc + 1 * VL);
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
  static void k3x4(int kc, float[] pa, int ao, float[] pb, int bo, float[] c, int co, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S);
    for (int p = 0; p < kc; p++) {
      FloatVector b0 = FloatVector.fromArray(S, pb, bo + 0 * VL); FloatVector b1 = FloatVector.fromArray(S, pb, bo + 1 * VL); FloatVector b2 = FloatVector.fromArray(S, pb, bo + 2 * VL); FloatVector b3 = FloatVector.fromArray(S, pb, bo + 3 * VL);
      FloatVector a0 = FloatVector.broadcast(S, pa[ao + 0]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02); c03 = a0.fma(b3, c03);
      FloatVector a1 = FloatVector.broadcast(S, pa[ao + 1]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12); c13 = a1.fma(b3, c13);
      FloatVector a2 = FloatVector.broadcast(S, pa[ao + 2]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21); c22 = a2.fma(b2, c22); c23 = a2.fma(b3, c23);
      ao += 3; bo += 4 * VL;
    }
    c00.add(FloatVector.fromArray(S, c, co + 0 * ldc + 0 * VL)).intoArray(c, co + 0 * ldc + 0 * VL);
    c01.add(FloatVector.fromArray(S, c, co + 0 * ldc + 1 * VL)).intoArray(c, co + 0 * ldc + 1 * VL);
    c02.add(FloatVector.fromArray(S, c, co + 0 * ldc + 2 * VL)).intoArray(c, co + 0 * ldc + 2 * VL);
    c03.add(FloatVector.fromArray(S, c, co + 0 * ldc + 3 * VL)).intoArray(c, co + 0 * ldc + 3 * VL);
    c10.add(FloatVector.fromArray(S, c, co + 1 * ldc + 0 * VL)).intoArray(c, co + 1 * ldc + 0 * VL);
    c11.add(FloatVector.fromArray(S, c, co + 1 * ldc + 1 * VL)).intoArray(c, co + 1 * ldc + 1 * VL);
    c12.add(FloatVector.fromArray(S, c, co + 1 * ldc + 2 * VL)).intoArray(c, co + 1 * ldc + 2 * VL);
    c13.add(FloatVector.fromArray(S, c, co + 1 * ldc + 3 * VL)).intoArray(c, co + 1 * ldc + 3 * VL);
    c20.add(FloatVector.fromArray(S, c, co + 2 * ldc + 0 * VL)).intoArray(c, co + 2 * ldc + 0 * VL);
    c21.add(FloatVector.fromArray(S, c, co + 2 * ldc + 1 * VL)).intoArray(c, co + 2 * ldc + 1 * VL);
    c22.add(FloatVector.fromArray(S, c, co + 2 * ldc + 2 * VL)).intoArray(c, co + 2 * ldc + 2 * VL);
    c23.add(FloatVector.fromArray(S, c, co + 2 * ldc + 3 * VL)).intoArray(c, co + 2 * ldc + 3 * VL);
  }
  public static void main(String[] args) {
    int kc = 256, strips = 16;
    float[] b = new float[kc * 4 * VL * strips]; float[] a = new float[8 * kc * 8];
    java.util.Random r = new java.util.Random(1); for (int i = 0; i < b.length; i++) b[i] = r.nextFloat(); for (int i = 0; i < a.length; i++) a[i] = r.nextFloat();
    int ldc = 8 * 4 * VL; float[] cc = new float[64 * ldc];
    String[] labels = {"8x2", "6x2", "5x2", "4x2", "4x3", "3x4"};
    for (int round = 0; round < 6; round++) {
      for (int v = 0; v < labels.length; v++) {
        long t0 = System.nanoTime(); long flops = 0;
        for (int rep = 0; rep < 300; rep++) {
          for (int s = 0; s < strips; s++) {
            switch (v) {
        case 0 -> { for (int blk = 0; blk < 60 / 8; blk++) { k8x2(kc, a, (blk % 8) * 8 * kc, b, s * kc * 2 * VL, cc, blk * 8 * ldc + (s % 8) * 2 * VL, ldc); flops += 2L * 8 * 2 * VL * kc; } }
        case 1 -> { for (int blk = 0; blk < 60 / 6; blk++) { k6x2(kc, a, (blk % 8) * 6 * kc, b, s * kc * 2 * VL, cc, blk * 6 * ldc + (s % 8) * 2 * VL, ldc); flops += 2L * 6 * 2 * VL * kc; } }
        case 2 -> { for (int blk = 0; blk < 60 / 5; blk++) { k5x2(kc, a, (blk % 8) * 5 * kc, b, s * kc * 2 * VL, cc, blk * 5 * ldc + (s % 8) * 2 * VL, ldc); flops += 2L * 5 * 2 * VL * kc; } }
        case 3 -> { for (int blk = 0; blk < 60 / 4; blk++) { k4x2(kc, a, (blk % 8) * 4 * kc, b, s * kc * 2 * VL, cc, blk * 4 * ldc + (s % 8) * 2 * VL, ldc); flops += 2L * 4 * 2 * VL * kc; } }
        case 4 -> { for (int blk = 0; blk < 60 / 4; blk++) { k4x3(kc, a, (blk % 8) * 4 * kc, b, s * kc * 3 * VL, cc, blk * 4 * ldc + (s % 8) * 3 * VL, ldc); flops += 2L * 4 * 3 * VL * kc; } }
        case 5 -> { for (int blk = 0; blk < 60 / 3; blk++) { k3x4(kc, a, (blk % 8) * 3 * kc, b, s * kc * 4 * VL, cc, blk * 3 * ldc + (s % 8) * 4 * VL, ldc); flops += 2L * 3 * 4 * VL * kc; } }
              default -> throw new IllegalStateException();
            }
          }
        }
        long t = System.nanoTime() - t0;
        System.out.printf("VL=%d %s: %.1f GFLOP/s%n", VL, labels[v], flops / (double) t);
      }
    }
  }
}
