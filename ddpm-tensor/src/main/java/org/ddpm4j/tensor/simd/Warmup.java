package org.ddpm4j.tensor.simd;

import static org.ddpm4j.tensor.TensorArrays.hostArray;

import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Conv2dSpec;
import org.ddpm4j.tensor.Tensor;

/**
 * Runs every kernel once on tiny tensors when the backend starts, before C2 compiles any of them.
 *
 * <p>Why: C2 can only intrinsify a Vector API call when the vector, mask and shuffle classes it touches are loaded
 * and initialised. If the first compilation of a hot loop (often an on-stack replacement in the middle of the
 * first large call) meets a class that no code has touched yet, the intrinsic fails ("failed to inline
 * (intrinsic)" under {@code -XX:+PrintInlining}), the vectors become heap objects, and that compiled code, tens of
 * times slower, can stay for the whole run. Exercising every path once in the interpreter (full tiles and edge
 * tiles, vector bodies and scalar tails, strided and pointwise convolutions) loads all of those classes first.
 */
final class Warmup {
    private Warmup() {
    }

    static void run(Backend be) {
        Tensor x = ramp(2, 9, 5, 7), w = ramp(10, 9, 3, 3), w1 = ramp(10, 9, 1, 1), bias = ramp(10);
        for (Conv2dSpec spec : new Conv2dSpec[] {Conv2dSpec.same3x3(), Conv2dSpec.downsample3x3(), Conv2dSpec.pointwise()}) {
            Tensor wt = spec.kernel() == 1 ? w1 : w;
            Tensor y = Tensor.zeros(2, 10, spec.outSize(5), spec.outSize(7));
            be.conv2d(x, wt, bias, spec, y);
            be.conv2dBackward(x, wt, y, spec, x.zerosLike(), wt.zerosLike(), bias.zerosLike());
            be.conv2dBackward(x, wt, y, spec, null, wt.zerosLike(), null);
        }
        Tensor a = ramp(3, 17, 19), b = ramp(3, 19, 35), c = Tensor.zeros(3, 17, 35);
        be.matmul(a, false, b, false, c, 0.5f, false);
        be.matmul(b, true, a, true, Tensor.zeros(3, 35, 17), 1f, true);
        // Whole strips and blocks, so that the packings' in-register transposes (LaneTranspose) run too: a row-major
        // and a transposed A of one full strip, a transposed B of full strips, all deeper than a vector.
        Tensor strip = ramp(1, Sgemm.MR, 2 * Sgemm.NR), strips = ramp(1, 2 * Sgemm.NR, 2 * Sgemm.NR);
        be.matmul(strip, false, strips, true, Tensor.zeros(1, Sgemm.MR, 2 * Sgemm.NR), 1f, false);
        be.matmul(strips, true, ramp(1, 2 * Sgemm.NR, Sgemm.MR), false, Tensor.zeros(1, 2 * Sgemm.NR, Sgemm.MR), 1f,
                false);
        Tensor gamma = ramp(9), mean = Tensor.zeros(2, 3), rstd = Tensor.zeros(2, 3), g = x.zerosLike();
        be.groupNorm(x, gamma, gamma, 3, 1e-5f, g, mean, rstd);
        be.groupNormBackward(x, gamma, mean, rstd, g, 3, x.zerosLike(), gamma.zerosLike(), gamma.zerosLike());
        be.silu(x, g);
        be.siluBackward(x, x, g);
        Tensor s = x.zerosLike();
        be.softmax(x, s);
        be.softmaxBackward(s, x, g);
        Tensor q = ramp(2, 3, 35), k = ramp(2, 3, 35), v = ramp(2, 3, 35);
        Tensor out = Tensor.zeros(2, 3, 35), probs = Tensor.zeros(2, 35, 35);
        be.attention(q, k, v, out, probs);
        be.attentionBackward(q, k, v, probs, out, q.zerosLike(), k.zerosLike(), v.zerosLike());
        be.upsample2x(x, Tensor.zeros(2, 9, 10, 14));
        be.add(x, g, s);
        be.mul(x, g, s);
        be.axpy(0.5f, x, s);
        be.axpby(0.5f, x, 0.25f, s);
        be.addProduct(x, g, s);
        be.addChannelVector(x, gamma, s);
        be.addChannelVectorBackward(x, gamma.zerosLike());
        be.dropout(x, 0.1f, 1L, s, g);
        be.mseLoss(x, s);
        be.mseLossBackward(x, s, 1f, g);
        be.sum(x);
        be.sumOfSquares(x);
    }

    /** Deterministic, varied values in [−1, 1]. */
    private static Tensor ramp(int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            hostArray(t)[i] = (float) Math.sin(0.37 * i);
        }
        return t;
    }
}
