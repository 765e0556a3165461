package org.ddpm4j.tensor.simd;

import org.ddpm4j.tensor.ConvGeometry;

/**
 * Unrolls one image's receptive fields into a matrix so that a convolution becomes one GEMM:
 * row {@code (c·k + ky)·k + kx}, column {@code oy·Wo + ox} holds {@code x[c, oy·s − p + ky, ox·s − p + kx]}
 * (zero outside the image). {@link #col2imAdd} is its adjoint, used by the input gradient.
 */
final class Im2col {
    private Im2col() {
    }

    static void im2col(ConvGeometry g, float[] x, int xOff, float[] col) {
        int k = g.spec().kernel(), s = g.spec().stride(), pad = g.spec().padding();
        int h = g.height(), w = g.width(), ho = g.outHeight(), wo = g.outWidth();
        int row = 0;
        for (int c = 0; c < g.inChannels(); c++) {
            int plane = xOff + c * h * w;
            for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++, row++) {
                    int dst = row * ho * wo;
                    // Output columns ox whose input column ix = ox·s − pad + kx lies inside [0, w).
                    int oxStart = Math.max(0, ceilDiv(pad - kx, s));
                    int oxEnd = Math.min(wo, ceilDiv(w + pad - kx, s));
                    for (int oy = 0; oy < ho; oy++, dst += wo) {
                        int iy = oy * s - pad + ky;
                        // Plain loops, not arraycopy/fill: rows are short (8 to 32), where call overhead dominates.
                        if (iy < 0 || iy >= h || oxStart >= oxEnd) {
                            for (int ox = 0; ox < wo; ox++) {
                                col[dst + ox] = 0f;
                            }
                            continue;
                        }
                        int src = plane + iy * w - pad + kx;
                        for (int ox = 0; ox < oxStart; ox++) {
                            col[dst + ox] = 0f;
                        }
                        if (s == 1) {
                            for (int ox = oxStart; ox < oxEnd; ox++) {
                                col[dst + ox] = x[src + ox];
                            }
                        } else {
                            for (int ox = oxStart; ox < oxEnd; ox++) {
                                col[dst + ox] = x[src + ox * s];
                            }
                        }
                        for (int ox = oxEnd; ox < wo; ox++) {
                            col[dst + ox] = 0f;
                        }
                    }
                }
            }
        }
    }

    /** {@code dx += col2im(dcol)}: scatters each unrolled gradient back onto the input pixel it came from. */
    static void col2imAdd(ConvGeometry g, float[] dcol, float[] dx, int dxOff) {
        int k = g.spec().kernel(), s = g.spec().stride(), pad = g.spec().padding();
        int h = g.height(), w = g.width(), ho = g.outHeight(), wo = g.outWidth();
        int row = 0;
        for (int c = 0; c < g.inChannels(); c++) {
            int plane = dxOff + c * h * w;
            for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++, row++) {
                    int src = row * ho * wo;
                    int oxStart = Math.max(0, ceilDiv(pad - kx, s));
                    int oxEnd = Math.min(wo, ceilDiv(w + pad - kx, s));
                    for (int oy = 0; oy < ho; oy++, src += wo) {
                        int iy = oy * s - pad + ky;
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        int dst = plane + iy * w - pad + kx;
                        if (s == 1) {
                            VectorOps.addInto(dcol, src + oxStart, dx, dst + oxStart, oxEnd - oxStart);
                        } else {
                            for (int ox = oxStart; ox < oxEnd; ox++) {
                                dx[dst + ox * s] += dcol[src + ox];
                            }
                        }
                    }
                }
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return Math.floorDiv(a + b - 1, b);
    }
}
