package org.ddpm4j.tensor.simd;

import java.util.Arrays;
import org.ddpm4j.tensor.ConvGeometry;

/**
 * Produces the packed B blocks of {@link Sgemm#gemmPacked}: the KC×NC block of op(B) starting at (pc, jc), as
 * NR-column strips, each k-major and zero-padded to NR columns. Besides plain matrices, a packer can read a
 * convolution's unrolled input straight from the image (implicit GEMM), so no im2col matrix is ever written.
 */
interface BPacker {
    void pack(int pc, int kc, int jc, int nc, float[] dst);

    /** A row-major matrix: op(B)(p, j) = b[p·ldb + j], or b[j·ldb + p] when transposed. */
    record Dense(boolean trans, float[] b, int off, int ld) implements BPacker {
        @Override
        public void pack(int pc, int kc, int jc, int nc, float[] dst) {
            if (trans) {
                packTransposed(b, off, ld, pc, kc, jc, nc, dst, 0);
            } else {
                packRows(pc, kc, jc, nc, dst);
            }
        }

        /**
         * The block of op(B)(p, j) = b[off + j·ld + p] packed into {@code dst} from {@code dOff}, strip by strip: a
         * strip's NR columns are NR rows of the stored matrix, each read in address order.
         */
        static void packTransposed(float[] b, int off, int ld, int pc, int kc, int jc, int nc, float[] dst, int dOff) {
            for (int jr = 0; jr < nc; jr += Sgemm.NR) {
                int nr = Math.min(Sgemm.NR, nc - jr), d = dOff + jr * kc, p = 0;
                if (nr == Sgemm.NR && LaneTranspose.supports(Sgemm.VL)) {
                    // VL×VL blocks transposed in registers: VL source rows, VL deep, into half a strip.
                    int blocks = kc / Sgemm.VL;
                    for (int h = 0; h < Sgemm.NR; h += Sgemm.VL) {
                        LaneTranspose.transpose(Sgemm.VL, blocks, b, off + (jc + jr + h) * ld + pc, Sgemm.VL, ld,
                                dst, d + h, Sgemm.VL * Sgemm.NR, Sgemm.NR);
                    }
                    p = blocks * Sgemm.VL;
                }
                // The rest of the depth (all of a partial strip) value by value, with stride NR.
                for (int j = 0; j < Sgemm.NR; j++) {
                    int src = off + (jc + jr + j) * ld + pc;
                    for (int q = p; q < kc; q++) {
                        dst[d + q * Sgemm.NR + j] = j < nr ? b[src + q] : 0f;
                    }
                }
            }
        }

        /**
         * Row by row, each row's strips in turn: the source is read in address order. Strip by strip, every step
         * would start a new row (ld floats on), so a wide matrix (an image's plane of 1024 pixels) would be read a
         * page per step, which defeats the prefetcher when B comes from memory.
         */
        private void packRows(int pc, int kc, int jc, int nc, float[] dst) {
            int full = nc / Sgemm.NR * Sgemm.NR, nr = nc - full;
            for (int p = 0; p < kc; p++) {
                int src = off + (pc + p) * ld + jc;
                for (int jr = 0; jr < full; jr += Sgemm.NR) {
                    VectorOps.copy(b, src + jr, dst, jr * kc + p * Sgemm.NR, Sgemm.NR);
                }
                if (nr > 0) {
                    int dp = full * kc + p * Sgemm.NR;
                    VectorOps.copy(b, src + full, dst, dp, nr);
                    Arrays.fill(dst, dp + nr, dp + Sgemm.NR, 0f);
                }
            }
        }
    }

    /**
     * The unrolled input of a run of consecutive images as B (K = Cin·k·k rows, N = images·Ho·Wo columns):
     * op(B)((c·k + ky)·k + kx, n·Ho·Wo + oy·Wo + ox) = x[n, c, oy·s − p + ky, ox·s − p + kx], zero outside the image.
     * Several small images side by side make a GEMM wide enough to run at full speed.
     *
     * @param off offset of the first image in {@code x}
     */
    record Im2col(ConvGeometry g, float[] x, int off) implements BPacker {
        @Override
        public void pack(int pc, int kc, int jc, int nc, float[] dst) {
            int k = g.spec().kernel(), wo = g.outWidth(), plane = g.outPlane();
            for (int jr = 0; jr < nc; jr += Sgemm.NR) {
                int nr = Math.min(Sgemm.NR, nc - jr), d = jr * kc;
                int first = jc + jr, n = first / plane, pix = first % plane, oy = pix / wo, ox = pix % wo;
                // Walk the unrolled rows with counters: integer division per row would cost more than the copy.
                int kx = pc % k, ky = (pc / k) % k, c = pc / (k * k);
                for (int p = 0; p < kc; p++, d += Sgemm.NR) {
                    fillRow(c, ky, kx, n, oy, ox, nr, dst, d);
                    for (int j = nr; j < Sgemm.NR; j++) {
                        dst[d + j] = 0f;
                    }
                    if (++kx == k) {
                        kx = 0;
                        if (++ky == k) {
                            ky = 0;
                            c++;
                        }
                    }
                }
            }
        }

        /**
         * Writes {@code count} consecutive output pixels of unrolled row (c, ky, kx), starting at pixel (oy, ox) of
         * image n and running on into the next images, to dst[d..].
         */
        void fillRow(int c, int ky, int kx, int n, int oy, int ox, int count, float[] dst, int d) {
            int s = g.spec().stride(), pad = g.spec().padding(), h = g.height(), w = g.width();
            int wo = g.outWidth(), ho = g.outHeight(), imageSize = g.inChannels() * h * w;
            // Output columns whose input column ox·s − pad + kx lies inside [0, w).
            int oxStart = s == 1 ? Math.max(0, pad - kx) : Math.max(0, Math.floorDiv(pad - kx + s - 1, s));
            int oxEnd = s == 1 ? Math.min(wo, w + pad - kx) : Math.min(wo, Math.floorDiv(w + pad - kx + s - 1, s));
            int plane = off + n * imageSize + c * h * w;
            while (count > 0) {
                int seg = Math.min(count, wo - ox), iy = oy * s - pad + ky;
                if (iy < 0 || iy >= h) {
                    for (int t = 0; t < seg; t++) {
                        dst[d + t] = 0f;
                    }
                } else {
                    int src = plane + iy * w - pad + kx, end = ox + seg;
                    int lo = Math.min(Math.max(ox, oxStart), end), hi = Math.max(Math.min(end, oxEnd), lo);
                    int q = d - ox;
                    for (int t = ox; t < lo; t++) {
                        dst[q + t] = 0f;
                    }
                    if (s == 1) {
                        VectorOps.copy(x, src + lo, dst, q + lo, hi - lo);
                    } else {
                        for (int t = lo; t < hi; t++) {
                            dst[q + t] = x[src + t * s];
                        }
                    }
                    for (int t = hi; t < end; t++) {
                        dst[q + t] = 0f;
                    }
                }
                d += seg;
                count -= seg;
                ox = 0;
                if (++oy == ho) {
                    oy = 0;
                    plane += imageSize;
                }
            }
        }
    }

    /**
     * The transposed unrolled input of a run of images as B (K = images·Ho·Wo rows, N = Cin·k·k columns), for the
     * weight gradient {@code dW += dY·colsᵀ} summed over the images: the values of {@code rows}, transposed.
     */
    record Im2colTransposed(Im2col rows) implements BPacker {
        @Override
        public void pack(int pc, int kc, int jc, int nc, float[] dst) {
            ConvGeometry g = rows.g();
            int k = g.spec().kernel(), wo = g.outWidth();
            // A vector of slack: a masked store that would reach past the array's end takes a lane-by-lane check.
            float[] line = Workspace.current().get(Workspace.Slot.PACK_LINE, kc + VectorOps.VL);
            for (int jr = 0; jr < nc; jr += Sgemm.NR) {
                int nr = Math.min(Sgemm.NR, nc - jr), d = jr * kc;
                for (int j = 0; j < Sgemm.NR; j++) {
                    if (j < nr) {
                        int col = jc + jr + j, kx = col % k, ky = (col / k) % k, c = col / (k * k);
                        int pix = pc % g.outPlane();
                        rows.fillRow(c, ky, kx, pc / g.outPlane(), pix / wo, pix % wo, kc, line, 0);
                        for (int p = 0; p < kc; p++) {
                            dst[d + p * Sgemm.NR + j] = line[p];
                        }
                    } else {
                        for (int p = 0; p < kc; p++) {
                            dst[d + p * Sgemm.NR + j] = 0f;
                        }
                    }
                }
            }
        }
    }
}
