import jdk.incubator.vector.*;
public class MK {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED; static final int VL = S.length();
  static void k8(int kc, float[] pa, int ao, float[] pb, int bo, float[] c, int co, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
    FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
    FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
    FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
    for (int p = 0; p < kc; p++) {
      FloatVector b0 = FloatVector.fromArray(S, pb, bo); FloatVector b1 = FloatVector.fromArray(S, pb, bo + VL);
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
    c00.add(FloatVector.fromArray(S, c, co + 0 * ldc)).intoArray(c, co + 0 * ldc); c01.add(FloatVector.fromArray(S, c, co + 0 * ldc + VL)).intoArray(c, co + 0 * ldc + VL);
    c10.add(FloatVector.fromArray(S, c, co + 1 * ldc)).intoArray(c, co + 1 * ldc); c11.add(FloatVector.fromArray(S, c, co + 1 * ldc + VL)).intoArray(c, co + 1 * ldc + VL);
    c20.add(FloatVector.fromArray(S, c, co + 2 * ldc)).intoArray(c, co + 2 * ldc); c21.add(FloatVector.fromArray(S, c, co + 2 * ldc + VL)).intoArray(c, co + 2 * ldc + VL);
    c30.add(FloatVector.fromArray(S, c, co + 3 * ldc)).intoArray(c, co + 3 * ldc); c31.add(FloatVector.fromArray(S, c, co + 3 * ldc + VL)).intoArray(c, co + 3 * ldc + VL);
    c40.add(FloatVector.fromArray(S, c, co + 4 * ldc)).intoArray(c, co + 4 * ldc); c41.add(FloatVector.fromArray(S, c, co + 4 * ldc + VL)).intoArray(c, co + 4 * ldc + VL);
    c50.add(FloatVector.fromArray(S, c, co + 5 * ldc)).intoArray(c, co + 5 * ldc); c51.add(FloatVector.fromArray(S, c, co + 5 * ldc + VL)).intoArray(c, co + 5 * ldc + VL);
    c60.add(FloatVector.fromArray(S, c, co + 6 * ldc)).intoArray(c, co + 6 * ldc); c61.add(FloatVector.fromArray(S, c, co + 6 * ldc + VL)).intoArray(c, co + 6 * ldc + VL);
    c70.add(FloatVector.fromArray(S, c, co + 7 * ldc)).intoArray(c, co + 7 * ldc); c71.add(FloatVector.fromArray(S, c, co + 7 * ldc + VL)).intoArray(c, co + 7 * ldc + VL);
  }
  static void k6(int kc, float[] pa, int ao, float[] pb, int bo, float[] c, int co, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
    FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
    for (int p = 0; p < kc; p++) {
      FloatVector b0 = FloatVector.fromArray(S, pb, bo); FloatVector b1 = FloatVector.fromArray(S, pb, bo + VL);
      FloatVector a0 = FloatVector.broadcast(S, pa[ao + 0]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, pa[ao + 1]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, pa[ao + 2]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, pa[ao + 3]); c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
      FloatVector a4 = FloatVector.broadcast(S, pa[ao + 4]); c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
      FloatVector a5 = FloatVector.broadcast(S, pa[ao + 5]); c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
      ao += 6; bo += 2 * VL;
    }
    c00.add(FloatVector.fromArray(S, c, co + 0 * ldc)).intoArray(c, co + 0 * ldc); c01.add(FloatVector.fromArray(S, c, co + 0 * ldc + VL)).intoArray(c, co + 0 * ldc + VL);
    c10.add(FloatVector.fromArray(S, c, co + 1 * ldc)).intoArray(c, co + 1 * ldc); c11.add(FloatVector.fromArray(S, c, co + 1 * ldc + VL)).intoArray(c, co + 1 * ldc + VL);
    c20.add(FloatVector.fromArray(S, c, co + 2 * ldc)).intoArray(c, co + 2 * ldc); c21.add(FloatVector.fromArray(S, c, co + 2 * ldc + VL)).intoArray(c, co + 2 * ldc + VL);
    c30.add(FloatVector.fromArray(S, c, co + 3 * ldc)).intoArray(c, co + 3 * ldc); c31.add(FloatVector.fromArray(S, c, co + 3 * ldc + VL)).intoArray(c, co + 3 * ldc + VL);
    c40.add(FloatVector.fromArray(S, c, co + 4 * ldc)).intoArray(c, co + 4 * ldc); c41.add(FloatVector.fromArray(S, c, co + 4 * ldc + VL)).intoArray(c, co + 4 * ldc + VL);
    c50.add(FloatVector.fromArray(S, c, co + 5 * ldc)).intoArray(c, co + 5 * ldc); c51.add(FloatVector.fromArray(S, c, co + 5 * ldc + VL)).intoArray(c, co + 5 * ldc + VL);
  }
  static void k8l(int kc, float[] pa, int ao, float[] pb, int bo, float[] c, int co, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
    FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
    FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
    FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
    for (int p = 0; p < kc; p++) {
      int a = ao + p * 8, b = bo + p * 2 * VL;
      FloatVector b0 = FloatVector.fromArray(S, pb, b); FloatVector b1 = FloatVector.fromArray(S, pb, b + VL);
      FloatVector a0 = FloatVector.broadcast(S, pa[a + 0]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, pa[a + 1]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, pa[a + 2]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, pa[a + 3]); c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
      FloatVector a4 = FloatVector.broadcast(S, pa[a + 4]); c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
      FloatVector a5 = FloatVector.broadcast(S, pa[a + 5]); c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
      FloatVector a6 = FloatVector.broadcast(S, pa[a + 6]); c60 = a6.fma(b0, c60); c61 = a6.fma(b1, c61);
      FloatVector a7 = FloatVector.broadcast(S, pa[a + 7]); c70 = a7.fma(b0, c70); c71 = a7.fma(b1, c71);
    }
    c00.add(FloatVector.fromArray(S, c, co + 0 * ldc)).intoArray(c, co + 0 * ldc); c01.add(FloatVector.fromArray(S, c, co + 0 * ldc + VL)).intoArray(c, co + 0 * ldc + VL);
    c10.add(FloatVector.fromArray(S, c, co + 1 * ldc)).intoArray(c, co + 1 * ldc); c11.add(FloatVector.fromArray(S, c, co + 1 * ldc + VL)).intoArray(c, co + 1 * ldc + VL);
    c20.add(FloatVector.fromArray(S, c, co + 2 * ldc)).intoArray(c, co + 2 * ldc); c21.add(FloatVector.fromArray(S, c, co + 2 * ldc + VL)).intoArray(c, co + 2 * ldc + VL);
    c30.add(FloatVector.fromArray(S, c, co + 3 * ldc)).intoArray(c, co + 3 * ldc); c31.add(FloatVector.fromArray(S, c, co + 3 * ldc + VL)).intoArray(c, co + 3 * ldc + VL);
    c40.add(FloatVector.fromArray(S, c, co + 4 * ldc)).intoArray(c, co + 4 * ldc); c41.add(FloatVector.fromArray(S, c, co + 4 * ldc + VL)).intoArray(c, co + 4 * ldc + VL);
    c50.add(FloatVector.fromArray(S, c, co + 5 * ldc)).intoArray(c, co + 5 * ldc); c51.add(FloatVector.fromArray(S, c, co + 5 * ldc + VL)).intoArray(c, co + 5 * ldc + VL);
    c60.add(FloatVector.fromArray(S, c, co + 6 * ldc)).intoArray(c, co + 6 * ldc); c61.add(FloatVector.fromArray(S, c, co + 6 * ldc + VL)).intoArray(c, co + 6 * ldc + VL);
    c70.add(FloatVector.fromArray(S, c, co + 7 * ldc)).intoArray(c, co + 7 * ldc); c71.add(FloatVector.fromArray(S, c, co + 7 * ldc + VL)).intoArray(c, co + 7 * ldc + VL);
  }
  static void k8u(int kc, float[] pa, int ao, float[] pb, int bo, float[] c, int co, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
    FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
    FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
    FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
    for (int p = 0; p < kc; p += 2) {
      { FloatVector b0 = FloatVector.fromArray(S, pb, bo + 0 * 2 * VL); FloatVector b1 = FloatVector.fromArray(S, pb, bo + 0 * 2 * VL + VL);
      FloatVector a0 = FloatVector.broadcast(S, pa[ao + 0]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, pa[ao + 1]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, pa[ao + 2]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, pa[ao + 3]); c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
      FloatVector a4 = FloatVector.broadcast(S, pa[ao + 4]); c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
      FloatVector a5 = FloatVector.broadcast(S, pa[ao + 5]); c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
      FloatVector a6 = FloatVector.broadcast(S, pa[ao + 6]); c60 = a6.fma(b0, c60); c61 = a6.fma(b1, c61);
      FloatVector a7 = FloatVector.broadcast(S, pa[ao + 7]); c70 = a7.fma(b0, c70); c71 = a7.fma(b1, c71);
      }
      { FloatVector b0 = FloatVector.fromArray(S, pb, bo + 1 * 2 * VL); FloatVector b1 = FloatVector.fromArray(S, pb, bo + 1 * 2 * VL + VL);
      FloatVector a0 = FloatVector.broadcast(S, pa[ao + 8]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, pa[ao + 9]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, pa[ao + 10]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, pa[ao + 11]); c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
      FloatVector a4 = FloatVector.broadcast(S, pa[ao + 12]); c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
      FloatVector a5 = FloatVector.broadcast(S, pa[ao + 13]); c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
      FloatVector a6 = FloatVector.broadcast(S, pa[ao + 14]); c60 = a6.fma(b0, c60); c61 = a6.fma(b1, c61);
      FloatVector a7 = FloatVector.broadcast(S, pa[ao + 15]); c70 = a7.fma(b0, c70); c71 = a7.fma(b1, c71);
      }
      ao += 16; bo += 4 * VL;
    }
    c00.add(FloatVector.fromArray(S, c, co + 0 * ldc)).intoArray(c, co + 0 * ldc); c01.add(FloatVector.fromArray(S, c, co + 0 * ldc + VL)).intoArray(c, co + 0 * ldc + VL);
    c10.add(FloatVector.fromArray(S, c, co + 1 * ldc)).intoArray(c, co + 1 * ldc); c11.add(FloatVector.fromArray(S, c, co + 1 * ldc + VL)).intoArray(c, co + 1 * ldc + VL);
    c20.add(FloatVector.fromArray(S, c, co + 2 * ldc)).intoArray(c, co + 2 * ldc); c21.add(FloatVector.fromArray(S, c, co + 2 * ldc + VL)).intoArray(c, co + 2 * ldc + VL);
    c30.add(FloatVector.fromArray(S, c, co + 3 * ldc)).intoArray(c, co + 3 * ldc); c31.add(FloatVector.fromArray(S, c, co + 3 * ldc + VL)).intoArray(c, co + 3 * ldc + VL);
    c40.add(FloatVector.fromArray(S, c, co + 4 * ldc)).intoArray(c, co + 4 * ldc); c41.add(FloatVector.fromArray(S, c, co + 4 * ldc + VL)).intoArray(c, co + 4 * ldc + VL);
    c50.add(FloatVector.fromArray(S, c, co + 5 * ldc)).intoArray(c, co + 5 * ldc); c51.add(FloatVector.fromArray(S, c, co + 5 * ldc + VL)).intoArray(c, co + 5 * ldc + VL);
    c60.add(FloatVector.fromArray(S, c, co + 6 * ldc)).intoArray(c, co + 6 * ldc); c61.add(FloatVector.fromArray(S, c, co + 6 * ldc + VL)).intoArray(c, co + 6 * ldc + VL);
    c70.add(FloatVector.fromArray(S, c, co + 7 * ldc)).intoArray(c, co + 7 * ldc); c71.add(FloatVector.fromArray(S, c, co + 7 * ldc + VL)).intoArray(c, co + 7 * ldc + VL);
  }
  public static void main(String[] args) {
    int kc = 256, strips = 32; // B: kc x (strips*NR) packed, A: rows x kc packed
    int nr = 2 * VL;
    float[] b = new float[kc * nr * strips]; float[] a8 = new float[8 * kc * 8]; float[] a6 = new float[6 * kc * 8];
    java.util.Random r = new java.util.Random(1); for (int i = 0; i < b.length; i++) b[i] = r.nextFloat(); for (int i = 0; i < a8.length; i++) a8[i] = r.nextFloat(); for (int i = 0; i < a6.length; i++) a6[i] = r.nextFloat();
    int ldc = nr * strips; float[] c = new float[64 * ldc];
    for (int round = 0; round < 6; round++) {
      for (int which : new int[] {8, 6, 9, 10}) {
        long t0 = System.nanoTime(); long flops = 0;
        for (int rep = 0; rep < 400; rep++) {
          for (int s = 0; s < strips; s++) {
            for (int blk = 0; blk < 48 / (which >= 9 ? 8 : which); blk++) {
              if (which == 10) k8u(kc, a8, (blk % 8) * 8 * kc, b, s * kc * nr, c, blk * 8 * ldc + s * nr, ldc); else if (which == 9) k8l(kc, a8, (blk % 8) * 8 * kc, b, s * kc * nr, c, blk * 8 * ldc + s * nr, ldc); else if (which == 8) k8(kc, a8, (blk % 8) * 8 * kc, b, s * kc * nr, c, blk * 8 * ldc + s * nr, ldc);
              else k6(kc, a6, (blk % 8) * 6 * kc, b, s * kc * nr, c, blk * 6 * ldc + s * nr, ldc);
              flops += 2L * (which >= 9 ? 8 : which) * nr * kc;
            }
          }
        }
        long t = System.nanoTime() - t0;
        System.out.printf("VL=%d %s: %.1f GFLOP/s%n", VL, which == 10 ? "8x2 unrolled" : which == 9 ? "8x2 linear" : which + "x2", flops / (double) t);
      }
    }
  }
}
