package org.ddpm4j.tensor.simd;

import static org.ddpm4j.tensor.TensorArrays.hostArray;

import java.util.Arrays;
import java.util.function.Supplier;
import org.ddpm4j.tensor.GroupNormGeometry;
import org.ddpm4j.tensor.OpChecks;
import org.ddpm4j.tensor.Tensor;

/**
 * The SIMD backend's GroupNorm (alone and followed by SiLU), forward and backward: each streams through the (sample,
 * group) items in memory order, a contiguous part of them per thread, and takes the next item's sums in the pass
 * that writes this item's output.
 */
final class SimdGroupNorm {
    private final Parallel parallel;

    SimdGroupNorm(Parallel parallel) {
        this.parallel = parallel;
    }

    void groupNorm(Tensor x, Tensor gamma, Tensor beta, int groups, float eps, Tensor y, Tensor mean, Tensor rstd) {
        groupNormForward(x, gamma, beta, groups, eps, y, mean, rstd, false);
    }

    /** SiLU applied in the normalising pass: one pass over the output fewer than the composition. */
    void groupNormSilu(Tensor x, Tensor gamma, Tensor beta, int groups, float eps, Tensor y, Tensor mean,
                       Tensor rstd) {
        groupNormForward(x, gamma, beta, groups, eps, y, mean, rstd, true);
    }

    private void groupNormForward(Tensor x, Tensor gamma, Tensor beta, int groups, float eps, Tensor y, Tensor mean,
                                  Tensor rstd, boolean silu) {
        GroupNormGeometry g = OpChecks.groupNorm(x, gamma, beta, groups, y, mean, rstd);
        float[] xd = hostArray(x), yd = hostArray(y);
        int items = g.batch() * groups, spatial = g.spatial(), size = g.groupSize();
        // The next group's moments are taken while this group's y is written, when its channels are whole pairs of
        // vectors: one pass over x for the statistics and the output together.
        boolean pipelined = spatial % (2 * VectorOps.VL) == 0;
        parallel.forRange(items, (silu ? 8L : 3L) * size, (start, end) -> {
            float[] accumulators = new float[4 * VectorOps.VL];
            double[] moments = new double[2];
            float momentShift = 0;
            boolean taken = false;
            for (int item = start; item < end; item++) {
                int n = item / groups, grp = item % groups, off = g.groupStart(n, grp);
                if (taken) {
                    VectorOps.accumulatedMoments(accumulators, moments);
                } else {
                    momentShift = VectorOps.momentShift(xd, off, size);
                    VectorOps.moments(xd, off, size, momentShift, moments);
                }
                // Σ(x − k) and Σ(x − k)² about the shift k: μ = k + m₁ and σ² = m₂ − m₁², with m the moments of
                // x − k over the group. The output is taken about k as well (VectorOps.normalize).
                float center = momentShift;
                double m1 = moments[0] / size, mu = center + m1;
                double var = Math.max(0, moments[1] / size - m1 * m1);
                double rs = 1.0 / Math.sqrt(var + eps);
                hostArray(mean)[item] = (float) mu;
                hostArray(rstd)[item] = (float) rs;
                taken = pipelined && item + 1 < end;
                // Groups lie one after the other in memory.
                int next = off + size;
                if (taken) {
                    Arrays.fill(accumulators, 0f);
                    momentShift = VectorOps.momentShift(xd, next, size);
                }
                for (int cc = 0; cc < g.channelsPerGroup(); cc++) {
                    int c = grp * g.channelsPerGroup() + cc;
                    double scale = gamma == null ? rs : rs * hostArray(gamma)[c];
                    float bias = (float) ((beta == null ? 0 : hostArray(beta)[c]) - m1 * scale);
                    int at = off + cc * spatial;
                    if (taken && silu) {
                        VectorOps.normalizeSiluAndMoments(xd, yd, at, spatial, center, (float) scale, bias,
                                next + cc * spatial, momentShift, accumulators);
                    } else if (taken) {
                        VectorOps.normalizeAndMoments(xd, yd, at, spatial, center, (float) scale, bias,
                                next + cc * spatial, momentShift, accumulators);
                    } else if (silu) {
                        VectorOps.normalizeSilu(xd, yd, at, spatial, center, (float) scale, bias);
                    } else {
                        VectorOps.normalize(xd, yd, at, spatial, center, (float) scale, bias);
                    }
                }
            }
        });
    }

    void groupNormBackward(Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dy, int groups, Tensor dx,
                           Tensor dgamma, Tensor dbeta) {
        GroupNormGeometry g = OpChecks.groupNormBackward(x, gamma, mean, rstd, dy, groups, dx, dgamma, dbeta);
        float[] xd = hostArray(x), dyd = hostArray(dy), dxd = dx == null ? null : hostArray(dx);
        int spatial = g.spatial();
        normBackward(g, gamma, mean, rstd, dgamma, dbeta, dx != null, 4, () -> new OutputGradient() {
            @Override
            public void sums(int c, int cc, int off, double mu, double rs, double[] sums) {
                VectorOps.sumAndDot(dyd, xd, off, spatial, sums);
            }

            @Override
            public void inputGradient(int cc, int off, float a, float b, float c) {
                VectorOps.affineCombination(dyd, off, xd, dxd, off, spatial, a, b, c);
            }

            @Override
            public void inputGradientAndSums(int cc, int off, float a, float b, float c, int nextC, int nextOff,
                                             double mu, double rs, double[] sums) {
                VectorOps.affineCombinationAndSums(dyd, xd, dxd, off, spatial, a, b, c, nextOff, sums);
            }
        });
    }

    /**
     * The norm output's gradient is SiLU's, evaluated at the norm's output y = x·γ·rstd + (β − μ·γ·rstd): computed per
     * channel into a buffer of one group (a few KiB, in L1 or L2) with its sums, then read back for dx; two buffers, so
     * that the next group's is filled while this group's dx is written. Two passes over x, one over dz, one write of
     * dx, where the composition makes about a dozen over arrays of x's size.
     */
    void groupNormSiluBackward(Tensor x, Tensor gamma, Tensor beta, int groups, float eps, Tensor mean, Tensor rstd,
                               Tensor dz, Tensor dx, Tensor dgamma, Tensor dbeta, Tensor work) {
        GroupNormGeometry g = OpChecks.groupNormSiluBackward(x, gamma, beta, groups, mean, rstd, dz, dx, dgamma, dbeta,
                work);
        float[] xd = hostArray(x), dzd = hostArray(dz), dxd = hostArray(dx);
        float[] gammas = gamma == null ? null : hostArray(gamma), betas = beta == null ? null : hostArray(beta);
        int spatial = g.spatial();
        normBackward(g, gamma, mean, rstd, dgamma, dbeta, true, 8, () -> new OutputGradient() {
            /**
             * d of two groups, one after the other in this thread's workspace: the one whose dx is written and the
             * next one, whose sums are taken meanwhile.
             */
            private final float[] d = Workspace.current().get(Workspace.Slot.NORM_GRADIENTS, 2 * g.groupSize());
            /** The fused loop's two vector sums, added up from here. */
            private final float[] lanes = new float[2 * VectorOps.VL];
            private int upcoming;

            @Override
            public void sums(int c, int cc, int off, double mu, double rs, double[] sums) {
                VectorOps.siluGradientOfAffine(xd, dzd, off, spatial, scale(c, rs), shift(c, mu, rs), d,
                        start(upcoming) + cc * spatial, sums);
            }

            @Override
            public void advance() {
                upcoming = 1 - upcoming;
            }

            @Override
            public void inputGradient(int cc, int off, float a, float b, float c) {
                VectorOps.affineCombination(d, start(1 - upcoming) + cc * spatial, xd, dxd, off, spatial, a, b, c);
            }

            @Override
            public void inputGradientAndSums(int cc, int off, float a, float b, float c, int nextC, int nextOff,
                                             double mu, double rs, double[] sums) {
                VectorOps.affineCombinationAndSiluSums(d, start(1 - upcoming) + cc * spatial, xd, dxd, off, spatial,
                        a, b, c, dzd, nextOff, scale(nextC, rs), shift(nextC, mu, rs), d, start(upcoming) + cc * spatial,
                        sums, lanes);
            }

            /** Where group buffer 0 or 1 starts in d. */
            private int start(int buffer) {
                return buffer * g.groupSize();
            }

            /** The norm's output is x·scale + shift on channel c. */
            private float scale(int c, double rs) {
                return (float) (rs * (gammas == null ? 1 : gammas[c]));
            }

            private float shift(int c, double mu, double rs) {
                double gm = gammas == null ? 1 : gammas[c];
                return (float) ((betas == null ? 0 : betas[c]) - mu * rs * gm);
            }
        });
    }

    /**
     * The gradient d of a group norm's output, channel by channel, as {@link #normBackward} reads it: an item's sums
     * over all its channels, then {@link #advance}, then its input gradient channel by channel, each channel's pass
     * taking the next item's sums for the same channel when there is one.
     */
    private interface OutputGradient {
        /** Σd into {@code sums[0]} and Σd·x into {@code sums[1]} over channel c (cc-th of its group) from off. */
        void sums(int c, int cc, int off, double mu, double rs, double[] sums);

        /** The item whose sums were just taken becomes the one whose input gradient is written. */
        default void advance() {
        }

        /** The input gradient {@code a·d + b·x + c} over the channel's run from off, by the op's rule. */
        void inputGradient(int cc, int off, float a, float b, float c);

        /**
         * {@link #inputGradient} over this item's channel cc and {@link #sums} over the next item's (channel nextC,
         * from nextOff, of statistics mu and rs) in one pass.
         */
        void inputGradientAndSums(int cc, int off, float a, float b, float c, int nextC, int nextOff, double mu,
                                  double rs, double[] sums);
    }

    /**
     * A group norm's backward from its output's gradient d, over the (sample, group) items in memory order, so each
     * thread streams through one contiguous part of x and dy. With x̂ = (x − μ)·rstd: dγ += Σd·x̂, dβ += Σd, and
     * dx = rstd·(γ·d − mean(γ·d) − x̂·mean(γ·d·x̂)), which is a·d + b·x + c per channel. dγ and dβ are summed per chunk
     * in double and the chunks added in order, so the result depends only on the thread count.
     */
    private void normBackward(GroupNormGeometry g, Tensor gamma, Tensor mean, Tensor rstd, Tensor dgamma,
                              Tensor dbeta, boolean inputGradient, int passes, Supplier<OutputGradient> tasks) {
        int groups = g.groups(), cpg = g.channelsPerGroup(), spatial = g.spatial(), items = g.batch() * groups;
        int channels = groups * cpg;
        if (items == 0) {
            // No images add to dγ and dβ, and dx has no values.
            return;
        }
        float[] gammas = gamma == null ? null : hostArray(gamma), means = hostArray(mean), rstds = hostArray(rstd);
        long workPerItem = (long) passes * g.groupSize();
        int chunks = parallel.chunkCount(items, workPerItem);
        double[][] dGammas = new double[chunks][], dBetas = new double[chunks][];
        parallel.forRange(items, workPerItem, (start, end) -> {
            OutputGradient grad = tasks.get();
            int chunk = Parallel.chunkStartingAt(start, items, chunks);
            // Allocated by the thread that runs the chunk, as Parallel asks of partial sums.
            double[] dGamma = new double[channels], dBeta = new double[channels];
            dGammas[chunk] = dGamma;
            dBetas[chunk] = dBeta;
            // The item's per-channel sums, taken before its turn: in the previous item's input-gradient pass when
            // there is one (its dx is written while this item is read from memory), else on their own.
            double[][] pending = new double[cpg][2];
            boolean taken = false;
            for (int item = start; item < end; item++) {
                int grp = item % groups, off = g.groupStart(item / groups, grp);
                double mu = means[item], rs = rstds[item];
                if (!taken) {
                    for (int cc = 0; cc < cpg; cc++) {
                        grad.sums(grp * cpg + cc, cc, off + cc * spatial, mu, rs, pending[cc]);
                    }
                }
                grad.advance();
                double sumD = 0, sumDXhat = 0;
                for (int cc = 0; cc < cpg; cc++) {
                    int c = grp * cpg + cc;
                    double[] sums = pending[cc];
                    double xhatDot = rs * (sums[1] - mu * sums[0]);
                    double gm = gammas == null ? 1 : gammas[c];
                    dGamma[c] += xhatDot;
                    dBeta[c] += sums[0];
                    sumD += gm * sums[0];
                    sumDXhat += gm * xhatDot;
                }
                taken = inputGradient && item + 1 < end;
                if (!inputGradient) {
                    continue;
                }
                double meanD = sumD / g.groupSize(), meanDXhat = sumDXhat / g.groupSize();
                float b = (float) (-rs * rs * meanDXhat);
                float c0 = (float) (-rs * meanD + rs * rs * mu * meanDXhat);
                // Groups lie one after the other in memory.
                int nextGrp = (item + 1) % groups, nextOff = off + g.groupSize();
                double nextMu = taken ? means[item + 1] : 0, nextRs = taken ? rstds[item + 1] : 0;
                for (int cc = 0; cc < cpg; cc++) {
                    float a = (float) (rs * (gammas == null ? 1 : gammas[grp * cpg + cc]));
                    if (taken) {
                        grad.inputGradientAndSums(cc, off + cc * spatial, a, b, c0, nextGrp * cpg + cc,
                                nextOff + cc * spatial, nextMu, nextRs, pending[cc]);
                    } else {
                        grad.inputGradient(cc, off + cc * spatial, a, b, c0);
                    }
                }
            }
        });
        for (int c = 0; c < channels; c++) {
            double dGammaSum = 0, dBetaSum = 0;
            for (int chunk = 0; chunk < chunks; chunk++) {
                dGammaSum += dGammas[chunk][c];
                dBetaSum += dBetas[chunk][c];
            }
            if (dgamma != null) {
                hostArray(dgamma)[c] += (float) dGammaSum;
            }
            if (dbeta != null) {
                hostArray(dbeta)[c] += (float) dBetaSum;
            }
        }
    }
}
