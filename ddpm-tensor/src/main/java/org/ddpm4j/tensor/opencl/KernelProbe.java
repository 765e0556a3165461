package org.ddpm4j.tensor.opencl;

import org.ddpm4j.tensor.AdamCoefficients;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Conv2dSpec;
import org.ddpm4j.tensor.Tensor;

/**
 * Launches every kernel of a new {@link OpenClBackend} once on tiny tensors, so that all of them are translated and
 * compiled up front and a kernel that does not translate or build is found when the backend is created, not in the
 * middle of training. Numbers are not checked here; the tests compare every op with the scalar reference.
 */
final class KernelProbe {
    private KernelProbe() {
    }

    static void runAll(Backend be) {
        Tensor x = Tensor.zeros(1, 2, 4, 4).fill(0.5f), y = x.zerosLike(), dx = x.zerosLike();
        Tensor w = Tensor.zeros(2, 2, 3, 3).fill(0.1f), dw = w.zerosLike();
        Tensor perChannel = Tensor.zeros(2).fill(1f), dPerChannel = perChannel.zerosLike();
        be.conv2d(x, w, perChannel, Conv2dSpec.same3x3(), y);
        be.conv2dBackward(x, w, y, Conv2dSpec.same3x3(), dx, dw, dPerChannel);
        Tensor m = Tensor.zeros(3, 3).fill(1f);
        be.matmul(m, false, m.copy(), true, m.zerosLike(), 1f, false);
        Tensor mean = Tensor.zeros(1, 2), rstd = Tensor.zeros(1, 2);
        be.groupNorm(x, perChannel, perChannel.copy(), 2, 1e-5f, y, mean, rstd);
        be.groupNormBackward(x, perChannel, mean, rstd, y, 2, dx, dPerChannel, perChannel.zerosLike());
        be.softmax(m, m.zerosLike());
        be.softmaxBackward(m, m.copy(), m.zerosLike());
        Tensor q = Tensor.zeros(1, 1, 4).fill(0.25f), out = Tensor.zeros(1, 1, 4), probs = Tensor.zeros(1, 4, 4);
        be.attention(q, q.copy(), q.copy(), out, probs);
        be.attentionBackward(q, q.copy(), q.copy(), probs, out, q.zerosLike(), q.zerosLike(), q.zerosLike());
        be.silu(x, y);
        be.dropout(x, 0.5f, 1L, y, dx.zerosLike());
        be.upsample2x(x, Tensor.zeros(1, 2, 8, 8));
        be.addChannelVector(x, perChannel, y);
        be.combinePerSample(x, new float[] {1f}, y, new float[] {0.5f}, dx);
        be.clamp(x, -1f, 1f, y);
        be.sum(x);
        be.adamUpdate(perChannel, dPerChannel, perChannel.zerosLike(), perChannel.zerosLike(),
                new AdamCoefficients(1e-3f, 0.9f, 0.999f, 1f, 1e-8f));
    }
}
