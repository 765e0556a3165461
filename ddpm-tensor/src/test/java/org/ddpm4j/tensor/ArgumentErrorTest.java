package org.ddpm4j.tensor;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad shapes and arguments give an IllegalArgumentException that names the op and the shapes involved. */
class ArgumentErrorTest {

    static Stream<Backend> backends() {
        return Stream.of(new ScalarBackend(), Backends.create("simd", 2));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void errorsNameTheOpAndTheShapes(Backend be) {
        Tensor x = Tensor.zeros(2, 3, 8, 8);
        expect(() -> be.conv2d(x, Tensor.zeros(4, 5, 3, 3), null, Conv2dSpec.same3x3(), Tensor.zeros(2, 4, 8, 8)),
                "conv2d", "[4, 5, 3, 3]", "[4, 3, 3, 3]");
        expect(() -> be.conv2d(x, Tensor.zeros(4, 3, 3, 3), null, Conv2dSpec.same3x3(), Tensor.zeros(2, 4, 7, 8)),
                "conv2d", "y", "[2, 4, 8, 8]", "[2, 4, 7, 8]");
        expect(() -> be.matmul(Tensor.zeros(3, 4), false, Tensor.zeros(5, 6), false, Tensor.zeros(3, 6), 1f, false),
                "matmul", "[3, 4]", "[5, 6]");
        expect(() -> be.groupNorm(x, null, null, 2, 1e-5f, x.zerosLike(), Tensor.zeros(2, 2), Tensor.zeros(2, 2)),
                "groupNorm", "3 channels", "2 groups");
        Tensor q = Tensor.zeros(2, 2, 16);
        expect(() -> be.attention(q, Tensor.zeros(2, 7, 16), q.zerosLike(), q.zerosLike(), Tensor.zeros(2, 16, 16)),
                "attention", "k", "[2, 7, 16]", "[2, 2, 16]");
        expect(() -> be.attention(q, q.zerosLike(), q.zerosLike(), q.zerosLike(), Tensor.zeros(2, 16, 15)),
                "attention", "probs", "[2, 16, 16]", "[2, 16, 15]");
        expect(() -> be.add(Tensor.zeros(3), Tensor.zeros(4), Tensor.zeros(3)), "add", "[4]", "[3]");
        expect(() -> be.concatChannels(Tensor.zeros(2, 3, 4, 4), Tensor.zeros(2, 3, 5, 4), Tensor.zeros(2, 6, 4, 4)),
                "concatChannels", "[2, 3, 5, 4]");
        expect(() -> be.dropout(x, 1f, 0L, x.zerosLike(), x.zerosLike()), "dropout", "1.0");
        expect(() -> be.addChannelVector(x, Tensor.zeros(4), x.zerosLike()), "addChannelVector", "[4]");
        Tensor w = Tensor.zeros(4, 3, 3, 3), y = Tensor.zeros(2, 4, 8, 8);
        expect(() -> be.conv2dPlus(x, w, null, Conv2dSpec.same3x3(), Tensor.zeros(4), null, y), "conv2dPlus",
                "shift", "[4]", "[2, 4]");
        expect(() -> be.conv2dPlus(x, w, null, Conv2dSpec.same3x3(), null, x, y), "conv2dPlus", "residual",
                "[2, 3, 8, 8]", "[2, 4, 8, 8]");
        expect(() -> be.conv2dPlus(x, w, null, Conv2dSpec.same3x3(), null, y, y), "conv2dPlus", "residual",
                "not be y");
        // Statistics over nothing, and a scale 1/√0: undefined, where a batch of none is simply empty.
        Tensor emptyPlanes = Tensor.zeros(2, 4, 0, 0);
        expect(() -> be.groupNorm(emptyPlanes, null, null, 2, 1e-5f, emptyPlanes.zerosLike(), Tensor.zeros(2, 2),
                Tensor.zeros(2, 2)), "groupNorm", "[2, 4, 0, 0]", "no elements in a group");
        Tensor noChannels = Tensor.zeros(2, 0, 16);
        expect(() -> be.attention(noChannels, noChannels, noChannels, noChannels.zerosLike(), Tensor.zeros(2, 16, 16)),
                "attention", "[2, 0, 16]", "no channels");
        be.shutdown();
    }

    @org.junit.jupiter.api.Test
    void badConstructionArguments() {
        expect(() -> Tensor.of(new float[5], 2, 3), "Tensor.of", "[2, 3]", "5");
        expect(() -> Tensor.zeros(2, 3).reshape(4, 2), "reshape", "[2, 3]", "[4, 2]");
        expect(() -> new Conv2dSpec(0, 1, 0), "conv2d", "kernel 0");
        expect(() -> Backends.create("gpu-magic", 1), "ddpm.backend", "gpu-magic");
        expect(() -> Backends.create("simd", 0), "threads", "0");
        // 65536^4 = 2^64: a 64-bit product wraps to 0 and would have made an empty tensor.
        expect(() -> Tensor.zeros(65536, 65536, 65536, 65536), "more than 2^63", "more than a Java array holds");
        expect(() -> Tensor.zeros(65536, 65536), "4294967296");
    }

    @org.junit.jupiter.api.Test
    void elementCountsSaturateInsteadOfWrapping() {
        org.junit.jupiter.api.Assertions.assertEquals(Long.MAX_VALUE,
                Tensor.elementCount(new int[] {65536, 65536, 65536, 65536}));
        org.junit.jupiter.api.Assertions.assertEquals(0, Tensor.elementCount(new int[] {65536, 65536, 65536, 65536, 0}));
        org.junit.jupiter.api.Assertions.assertEquals(6, Tensor.elementCount(new int[] {2, 3}));
    }

    private static void expect(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should mention '" + f + "'");
        }
    }
}
