package org.ddpm4j.tensor.simd;

import java.util.Arrays;
import org.ddpm4j.tensor.ConvGeometry;

/**
 * The convolutions that neither Winograd's algorithm nor the one-channel paths take (stride 2, 1×1, other
 * geometries), forward and backward, as packed GEMMs on groups of images: the unrolled input read in place
 * ({@link BPacker.Im2col}), stride 2 on phase planes ({@link PhasePlaneConvolution}), a 1×1 convolution on the
 * images as they lie.
 */
final class DirectConvolution {
    /**
     * Images are convolved in groups whose output planes together are at least this many columns wide: an 8×8
     * image alone gives a GEMM only 64 columns wide, too narrow to amortise packing and the C updates.
     */
    private static final int MIN_GEMM_COLUMNS = 512;

    private final Parallel parallel;
    private final int threads;

    DirectConvolution(Parallel parallel) {
        this.parallel = parallel;
        this.threads = parallel.threads();
    }

    /** {@code y = x ⋆ w + bias} ({@code bias} may be null). */
    void forward(ConvGeometry g, float[] xd, float[] wd, float[] bd, float[] yd) {
        int cout = g.outChannels(), kk = g.patchSize(), p = g.outPlane(), inSize = g.inChannels() * g.inPlane();
        int group = imagesPerGroup(g), groups = Math.ceilDiv(g.batch(), group);
        PhasePlaneConvolution phasePlanes = PhasePlaneConvolution.applies(g) ? new PhasePlaneConvolution(g, group)
                : null;
        // With fewer images than threads, each image's output channels are split too.
        int splits = Math.max(1, Math.min(Math.ceilDiv(threads, g.batch()), Math.ceilDiv(cout, Sgemm.MR)));
        int rowsPerSplit = Math.ceilDiv(Math.ceilDiv(cout, splits), Sgemm.MR) * Sgemm.MR;
        // The weights are the A of every GEMM: pack them once, share them read-only.
        Workspace ws = Workspace.current();
        float[] packBuffer = ws.get(Workspace.Slot.CALLER_PACKED_WEIGHTS, Sgemm.PackedA.size(cout, kk));
        Sgemm.PackedA packedW = phasePlanes == null ? Sgemm.PackedA.pack(false, cout, kk, wd, 0, kk, packBuffer)
                : phasePlanes.packWeights(wd, packBuffer);
        parallel.forRange(groups * splits, (start, end) -> {
            for (int item = start; item < end; item++) {
                int n0 = (item / splits) * group, images = Math.min(group, g.batch() - n0);
                int r0 = (item % splits) * rowsPerSplit, rows = Math.min(rowsPerSplit, cout - r0);
                if (rows <= 0) {
                    continue;
                }
                if (phasePlanes != null) {
                    // Stores the group's rows with their bias.
                    phasePlanes.forwardGroup(packedW, xd, bd, yd, n0, images, r0, rows);
                    continue;
                }
                if (g.spec().isPointwise()) {
                    for (int n = n0; n < n0 + images; n++) {
                        Sgemm.gemmPacked(packedW, r0, rows, p, 1f, new BPacker.Dense(false, xd, n * inSize, p), false,
                                yd, (n * cout + r0) * p, p);
                    }
                } else if (images == 1) {
                    Sgemm.gemmPacked(packedW, r0, rows, p, 1f, new BPacker.Im2col(g, xd, n0 * inSize), false,
                            yd, (n0 * cout + r0) * p, p);
                } else {
                    // One GEMM over the group's images side by side, staged, then laid out as NCHW.
                    float[] staged = Workspace.current().get(Workspace.Slot.STAGING, rows * images * p);
                    Sgemm.gemmPacked(packedW, r0, rows, images * p, 1f, new BPacker.Im2col(g, xd, n0 * inSize), false,
                            staged, 0, images * p);
                    for (int i = 0; i < images; i++) {
                        for (int o = 0; o < rows; o++) {
                            System.arraycopy(staged, o * images * p + i * p, yd, ((n0 + i) * cout + r0 + o) * p, p);
                        }
                    }
                }
                if (bd != null) {
                    for (int n = n0; n < n0 + images; n++) {
                        for (int o = 0; o < rows; o++) {
                            int off = (n * cout + r0 + o) * p;
                            VectorOps.addScalar(yd, off, bd[r0 + o], yd, off, p);
                        }
                    }
                }
            }
        });
    }

    /** {@code dx += ∂/∂x}, {@code dw += ∂/∂w}, {@code dbias += ∂/∂bias} of the forward; dx and dbias may be null. */
    void backward(ConvGeometry g, float[] xd, float[] wd, float[] dyd, float[] dxd, float[] dwd, float[] dbd) {
        int cout = g.outChannels(), kk = g.patchSize(), p = g.outPlane(), inSize = g.inChannels() * g.inPlane();
        int group = imagesPerGroup(g), groups = Math.ceilDiv(g.batch(), group);
        PhasePlaneConvolution phasePlanes = PhasePlaneConvolution.applies(g) ? new PhasePlaneConvolution(g, group)
                : null;
        int chunks = parallel.chunkCount(groups, Long.MAX_VALUE);
        // Each chunk of images sums its weight and bias gradients privately; the partials are added at the end.
        // The partials live in the calling thread's workspace: each chunk zeroes and writes only its own slice.
        int partialSize = cout * kk, pitch = Parallel.slicePitch(partialSize);
        float[] dwPartials = Workspace.current().get(Workspace.Slot.CALLER_PARTIALS, chunks * pitch);
        double[][] dbPartial = new double[chunks][];
        ConvolutionInputGradient inputGradient = dxd == null ? null : new ConvolutionInputGradient(g, wd);
        parallel.forRange(groups, (start, end) -> {
            int chunk = Parallel.chunkStartingAt(start, groups, chunks);
            int dwOff = chunk * pitch;
            Arrays.fill(dwPartials, dwOff, dwOff + partialSize, 0f);
            // Allocated by the thread that runs the chunk, as Parallel asks of partial sums.
            double[] dbp = new double[cout];
            dbPartial[chunk] = dbp;
            for (int item = start; item < end; item++) {
                int n0 = item * group, images = Math.min(group, g.batch() - n0);
                for (int n = n0; n < n0 + images; n++) {
                    for (int o = 0; o < cout; o++) {
                        dbp[o] += VectorOps.sum(dyd, (n * cout + o) * p, p);
                    }
                }
                if (phasePlanes != null) {
                    phasePlanes.backwardGroup(xd, dyd, n0, images, dwPartials, dwOff,
                            inputGradient == null ? null : inputGradient.packed(), dxd);
                    continue;
                }
                // dW += dY · colsᵀ   (Cout × images·P)·(images·P × K), the unrolled input read from the images
                if (g.spec().isPointwise()) {
                    for (int n = n0; n < n0 + images; n++) {
                        Sgemm.gemm(false, cout, kk, p, 1f, dyd, n * cout * p, p,
                                new BPacker.Dense(true, xd, n * inSize, p), true, dwPartials, dwOff, kk);
                    }
                } else {
                    float[] a = dyd;
                    int aOff = n0 * cout * p;
                    if (images > 1) {
                        // dY of the group as one Cout × images·P matrix.
                        a = Workspace.current().get(Workspace.Slot.STAGING, cout * images * p);
                        aOff = 0;
                        for (int i = 0; i < images; i++) {
                            for (int o = 0; o < cout; o++) {
                                System.arraycopy(dyd, ((n0 + i) * cout + o) * p, a, o * images * p + i * p, p);
                            }
                        }
                    }
                    Sgemm.gemm(false, cout, kk, images * p, 1f, a, aOff, images * p,
                            new BPacker.Im2colTransposed(new BPacker.Im2col(g, xd, n0 * inSize)), true, dwPartials,
                            dwOff, kk);
                }
                if (inputGradient != null) {
                    inputGradient.accumulate(dyd, n0, images, dxd);
                }
            }
        });
        // The chunks' partials added in chunk order, a slice of dw per task: the sum is the serial one's, bit for bit,
        // and no thread adds the whole of dw alone while the others wait.
        parallel.forRange(dwd.length, chunks, (start, end) -> {
            for (int c = 0; c < chunks; c++) {
                VectorOps.addInto(dwPartials, c * pitch + start, dwd, start, end - start);
            }
        });
        if (dbd != null) {
            KernelGradientSums.addInto(dbPartial, dbd);
        }
    }

    /** How many images one task convolves at once: enough columns, but still a task for every thread. */
    private int imagesPerGroup(ConvGeometry g) {
        int wanted = Math.ceilDiv(MIN_GEMM_COLUMNS, g.outPlane());
        int perThread = Math.ceilDiv(g.batch(), threads);
        return Math.max(1, Math.min(wanted, perThread));
    }
}
