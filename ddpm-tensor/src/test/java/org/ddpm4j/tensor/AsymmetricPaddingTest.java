package org.ddpm4j.tensor;

import static org.ddpm4j.tensor.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Padding only after the image (diffusers' {@code Downsample2D(padding=0)}) is, by definition, an unpadded
 * convolution of the image with a zero row appended below and a zero column on the right. Checked on every CPU
 * backend forward and backward, independently of the index arithmetic the kernels share with the reference.
 */
class AsymmetricPaddingTest {

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "simd"})
    void padEndIsAnUnpaddedConvolutionOfTheExplicitlyPaddedImage(String backend) {
        Backend be = Backends.create(backend, 2);
        try {
            int n = 2, cin = 3, cout = 4, h = 8, w = 6;
            RandomTensors r = new RandomTensors(41);
            Tensor x = r.normal(n, cin, h, w), wt = r.normal(cout, cin, 3, 3), b = r.normal(cout);
            Conv2dSpec padEnd = Conv2dSpec.downsample3x3PadEnd(), valid = new Conv2dSpec(3, 2, 0);
            assertEquals(h / 2, padEnd.outSize(h), "an even size halves");
            Tensor padded = padBottomRight(x);
            Tensor y = Tensor.zeros(n, cout, h / 2, w / 2), expected = Tensor.zeros(n, cout, h / 2, w / 2);
            be.conv2d(x, wt, b, padEnd, y);
            be.conv2d(padded, wt, b, valid, expected);
            assertClose(expected, y, Tolerances.KERNEL_VS_REFERENCE, backend + " forward");

            Tensor dy = r.normal(n, cout, h / 2, w / 2);
            Tensor dx = x.zerosLike(), dw = wt.zerosLike(), db = b.zerosLike();
            Tensor dPadded = padded.zerosLike(), dwValid = wt.zerosLike(), dbValid = b.zerosLike();
            be.conv2dBackward(x, wt, dy, padEnd, dx, dw, db);
            be.conv2dBackward(padded, wt, dy, valid, dPadded, dwValid, dbValid);
            assertClose(cropBottomRight(dPadded, h, w), dx, Tolerances.KERNEL_VS_REFERENCE, backend + " dx");
            assertClose(dwValid, dw, Tolerances.KERNEL_VS_REFERENCE, backend + " dw");
            assertClose(dbValid, db, Tolerances.KERNEL_VS_REFERENCE, backend + " dbias");
        } finally {
            be.shutdown();
        }
    }

    private static Tensor padBottomRight(Tensor x) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        float[] src = x.toArray(), dst = new float[n * c * (h + 1) * (w + 1)];
        for (int plane = 0; plane < n * c; plane++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(src, (plane * h + y) * w, dst, (plane * (h + 1) + y) * (w + 1), w);
            }
        }
        return Tensor.of(dst, n, c, h + 1, w + 1);
    }

    private static Tensor cropBottomRight(Tensor x, int h, int w) {
        int n = x.dim(0), c = x.dim(1), hp = x.dim(2), wp = x.dim(3);
        float[] src = x.toArray(), dst = new float[n * c * h * w];
        for (int plane = 0; plane < n * c; plane++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(src, (plane * hp + y) * wp, dst, (plane * h + y) * w, w);
            }
        }
        return Tensor.of(dst, n, c, h, w);
    }
}
