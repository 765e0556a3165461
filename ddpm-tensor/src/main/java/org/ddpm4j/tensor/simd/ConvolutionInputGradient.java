package org.ddpm4j.tensor.simd;

import org.ddpm4j.tensor.Conv2dSpec;
import org.ddpm4j.tensor.ConvGeometry;

/**
 * The input gradient of a convolution, {@code dx += Wᵀ ⋆ dy}, with its weights packed once per call.
 * A stride-1 "same" convolution's input gradient is itself such a convolution of dy, with the weights' in and
 * out channels swapped and the kernel flipped; it then reads dy through an implicit im2col like the forward.
 * Other geometries (strided ones) form {@code Wᵀ·dY}, with Wᵀ packed here for {@link PhasePlaneConvolution} too,
 * and scatter it back with col2im (odd sizes, strides above 2).
 */
final class ConvolutionInputGradient {
    private final ConvGeometry g;
    private final ConvGeometry transposed;
    private final Sgemm.PackedA packed;

    ConvolutionInputGradient(ConvGeometry g, float[] w) {
        this.g = g;
        Conv2dSpec spec = g.spec();
        int k = spec.kernel(), cin = g.inChannels(), cout = g.outChannels();
        // The transposed convolution reads Cout·k·k unrolled rows of dy for every input channel it produces;
        // with few input channels (the image layer) forming Wᵀ·dY and scattering it back is cheaper.
        boolean same = spec.stride() == 1 && spec.isSymmetric() && 2 * spec.padding() == k - 1 && cin >= Sgemm.MR;
        if (spec.isPointwise() || !same) {
            transposed = null;
            packed = Sgemm.PackedA.pack(true, g.patchSize(), cout, w, 0, g.patchSize(),
                    Workspace.current().get(Workspace.Slot.CALLER_PACKED_WEIGHTS, Sgemm.PackedA.size(g.patchSize(), cout)));
        } else {
            transposed = new ConvGeometry(g.batch(), cout, g.outHeight(), g.outWidth(), cin, g.height(), g.width(),
                    spec);
            float[] flipped = Workspace.current().get(Workspace.Slot.CALLER_FLIPPED_WEIGHTS, w.length);
            for (int o = 0; o < cout; o++) {
                for (int c = 0; c < cin; c++) {
                    for (int t = 0; t < k * k; t++) {
                        flipped[(c * cout + o) * k * k + (k * k - 1 - t)] = w[(o * cin + c) * k * k + t];
                    }
                }
            }
            packed = Sgemm.PackedA.pack(false, cin, cout * k * k, flipped, 0, cout * k * k,
                    Workspace.current().get(Workspace.Slot.CALLER_PACKED_WEIGHTS, Sgemm.PackedA.size(cin, cout * k * k)));
        }
    }

    /** Wᵀ as packed for the GEMMs: {@link PhasePlaneConvolution} forms its input gradient with it. */
    Sgemm.PackedA packed() {
        return packed;
    }

    /** {@code dx += } the input gradient of images [n0, n0 + images). */
    void accumulate(float[] dy, int n0, int images, float[] dx) {
        int p = g.outPlane(), cin = g.inChannels(), inPlane = g.inPlane(), cout = g.outChannels();
        if (transposed != null && images > 1) {
            float[] staged = Workspace.current().get(Workspace.Slot.STAGING, cin * images * inPlane);
            Sgemm.gemmPacked(packed, 0, cin, images * inPlane, 1f, new BPacker.Im2col(transposed, dy, n0 * cout * p),
                    false, staged, 0, images * inPlane);
            for (int i = 0; i < images; i++) {
                for (int c = 0; c < cin; c++) {
                    VectorOps.addInto(staged, c * images * inPlane + i * inPlane, dx, ((n0 + i) * cin + c) * inPlane,
                            inPlane);
                }
            }
            return;
        }
        for (int n = n0; n < n0 + images; n++) {
            int dyOff = n * cout * p, dxOff = n * cin * inPlane;
            if (g.spec().isPointwise()) {
                Sgemm.gemmPacked(packed, 0, cin, p, 1f, new BPacker.Dense(false, dy, dyOff, p), true, dx, dxOff, p);
            } else if (transposed != null) {
                Sgemm.gemmPacked(packed, 0, cin, inPlane, 1f, new BPacker.Im2col(transposed, dy, dyOff), true,
                        dx, dxOff, inPlane);
            } else {
                float[] dcols = Workspace.current().get(Workspace.Slot.COLUMN_GRADS, g.patchSize() * p);
                Sgemm.gemmPacked(packed, 0, g.patchSize(), p, 1f, new BPacker.Dense(false, dy, dyOff, p), false,
                        dcols, 0, p);
                Col2im.col2imAdd(g, dcols, dx, dxOff);
            }
        }
    }
}
