package org.ddpm4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ddpm4j.tensor.simd.ChunkSpans;
import org.ddpm4j.tensor.simd.SimdBackend;
import org.junit.jupiter.api.Test;

/**
 * A backend that runs the chunks of a thread count one after another ({@link SimdBackend#serialisingChunks}) computes
 * the same bits as a backend of that many threads, and splits its ops as that one does.
 */
class SerialisedChunksTest {
    private static final int THREADS = 3;

    @Test
    void theSameBitsAsTheThreadedBackendFromTheSameChunks() {
        ChunkSpans spans = new ChunkSpans();
        SimdBackend threaded = new SimdBackend(THREADS, SimdBackend.Conv3x3.WINOGRAD);
        SimdBackend serial = SimdBackend.serialisingChunks(THREADS, SimdBackend.Conv3x3.WINOGRAD, spans);
        try {
            assertEquals(THREADS, serial.threads());
            assertTrue(serial.describe().contains("one after another"), serial.describe());
            spans.clear();
            float[][] a = convAndNormGradients(threaded), b = convAndNormGradients(serial);
            for (int i = 0; i < a.length; i++) {
                assertArrayEquals(a[i], b[i], "result " + i);
            }
            assertTrue(spans.count() > 0, "the ops ran in ranges");
            assertTrue(spans.ranges().stream().allMatch(r -> r.length <= THREADS), "at most a chunk per thread");
            assertTrue(spans.ranges().stream().anyMatch(r -> r.length == THREADS), "ranges split three ways");
        } finally {
            threaded.shutdown();
            serial.shutdown();
        }
    }

    /** A 3×3 convolution's gradients and a GroupNorm's, whose weight sums are added up chunk by chunk. */
    private static float[][] convAndNormGradients(Backend be) {
        RandomTensors r = new RandomTensors(17);
        Tensor x = r.normal(6, 16, 12, 12), w = r.normal(16, 16, 3, 3), dy = r.normal(6, 16, 12, 12);
        Tensor y = x.zerosLike(), dx = x.zerosLike(), dw = w.zerosLike(), db = Tensor.zeros(16);
        be.conv2d(x, w, null, Conv2dSpec.same3x3(), y);
        be.conv2dBackward(x, w, dy, Conv2dSpec.same3x3(), dx, dw, db);
        Tensor gamma = r.normal(16), beta = r.normal(16), z = x.zerosLike();
        Tensor mean = Tensor.zeros(6, 4), rstd = Tensor.zeros(6, 4);
        Tensor gx = x.zerosLike(), dGamma = Tensor.zeros(16), dBeta = Tensor.zeros(16);
        be.groupNorm(y, gamma, beta, 4, 1e-5f, z, mean, rstd);
        be.groupNormBackward(y, gamma, mean, rstd, dy, 4, gx, dGamma, dBeta);
        return new float[][] {y.toArray(), dx.toArray(), dw.toArray(), db.toArray(), z.toArray(), gx.toArray(),
                dGamma.toArray(), dBeta.toArray()};
    }
}
