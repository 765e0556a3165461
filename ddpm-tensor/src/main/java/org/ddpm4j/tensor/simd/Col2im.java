package org.ddpm4j.tensor.simd;

import org.ddpm4j.tensor.ConvGeometry;

/**
 * The adjoint of the unrolled input ({@link BPacker.Im2col}): scatters a gradient with respect to the unrolled
 * matrix (row {@code (c·k + ky)·k + kx}, column {@code oy·Wo + ox}) back onto the input pixels it was read from.
 * Used for the input gradient of the strided convolutions that {@link PhasePlaneConvolution} does not compute.
 */
final class Col2im {
    private Col2im() {
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
                    int oxStart = Math.max(0, Math.ceilDiv(pad - kx, s));
                    int oxEnd = Math.min(wo, Math.ceilDiv(w + pad - kx, s));
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
}
