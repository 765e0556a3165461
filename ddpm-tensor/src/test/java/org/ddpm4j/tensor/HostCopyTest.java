package org.ddpm4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ddpm4j.tensor.opencl.OpenClBackend;
import org.ddpm4j.tensor.simd.SimdBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The host-copy API behaves the same on every backend: an array handed in or out is a copy, so keeping it across an
 * op never reads stale values on one backend and current ones on another, and an op on a tensor that an update has
 * open is refused everywhere, not only where the values live on a device.
 */
class HostCopyTest {
    private static final float[] VALUES = {1f, 2f, 3f, 4f};

    abstract static class Contract {
        abstract Backend backend();

        private Tensor computed() {
            Tensor out = Tensor.zeros(4);
            backend().scale(Tensor.of(VALUES, 4), 2f, out);
            return out;
        }

        @Test
        void anArrayGivenToOfIsCopied() {
            float[] values = VALUES.clone();
            Tensor t = Tensor.of(values, 2, 2);
            values[0] = 100f;
            Tensor out = Tensor.zeros(2, 2);
            backend().scale(t, 1f, out);
            assertArrayEquals(VALUES, out.toArray());
        }

        @Test
        void writingToACopyNeverChangesTheTensor() {
            Tensor out = computed();
            float[] copy = out.toArray();
            copy[0] = 100f;
            Tensor again = Tensor.zeros(4);
            backend().scale(out, 1f, again);
            assertEquals(2f, again.get(0), "the op read the tensor, not the copy");
            assertEquals(2f, out.get(0));
        }

        @Test
        void anArrayKeptFromAnUpdateIsNotTheTensor() {
            Tensor out = computed();
            float[][] kept = new float[1][];
            out.update(v -> kept[0] = v);
            kept[0][1] = 100f;
            Tensor again = Tensor.zeros(4);
            backend().scale(out, 1f, again);
            assertArrayEquals(new float[] {2f, 4f, 6f, 8f}, again.toArray());
        }

        @Test
        void anEditIsSeenByTheNextOp() {
            Tensor out = computed();
            out.update(v -> v[3] = -1f);
            Tensor again = Tensor.zeros(4);
            backend().scale(out, 3f, again);
            assertArrayEquals(new float[] {6f, 12f, 18f, -3f}, again.toArray());
        }

        @Test
        void anOpOnATensorOpenInAnUpdateIsRefusedAndTheUpdateStillLands() {
            Tensor out = computed();
            Tensor view = out.reshape(2, 2);
            out.update(v -> {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> backend().scale(view, 2f, view));
                assertTrue(e.getMessage().contains("[2, 2] is open in Tensor.update"), e.getMessage());
                v[0] = 7f;
            });
            Tensor again = Tensor.zeros(2, 2);
            backend().scale(view, 1f, again);
            assertArrayEquals(new float[] {7f, 4f, 6f, 8f}, again.toArray(), "usable again once the update returned");
        }

        @Test
        void anUpdateThatThrowsChangesNothing() {
            Tensor out = computed();
            assertThrows(ArithmeticException.class, () -> out.update(v -> {
                v[0] = 50f;
                throw new ArithmeticException("stop");
            }));
            Tensor again = Tensor.zeros(4);
            backend().scale(out, 1f, again);
            assertArrayEquals(new float[] {2f, 4f, 6f, 8f}, again.toArray());
        }

        @Test
        void copiesAndFillsReadAndReplaceTheCurrentValues() {
            Tensor out = computed();
            Tensor copy = out.copy();
            Tensor target = Tensor.zeros(4).copyFrom(out);
            out.fill(5f);
            assertArrayEquals(new float[] {2f, 4f, 6f, 8f}, copy.toArray());
            assertArrayEquals(new float[] {2f, 4f, 6f, 8f}, target.toArray());
            Tensor again = Tensor.zeros(4);
            backend().add(out, target, again);
            assertArrayEquals(new float[] {7f, 9f, 11f, 13f}, again.toArray());
        }

        @Test
        void aZeroedTensorReadsAsZerosWhereverItIsRead() {
            Tensor out = computed();
            Tensor view = out.reshape(2, 2);
            out.fill(Float.NaN).zero();
            assertArrayEquals(new float[4], view.toArray());
            assertEquals(0f, out.get(3));
            assertArrayEquals(new float[4], out.copy().toArray());
            Tensor sum = Tensor.zeros(4);
            backend().add(out, Tensor.of(VALUES, 4), sum);
            assertArrayEquals(VALUES, sum.toArray());
            out.fill(Float.NaN).zero().set(1, 7f);
            assertArrayEquals(new float[] {0f, 7f, 0f, 0f}, out.toArray());
            out.fill(Float.NaN).zero();
            backend().axpy(1f, Tensor.of(VALUES, 4), out);
            assertArrayEquals(VALUES, out.toArray());
            Tensor target = Tensor.of(VALUES, 4).zero().copyFrom(computed());
            assertArrayEquals(new float[] {2f, 4f, 6f, 8f}, target.toArray());
        }
    }

    @Nested
    class Scalar extends Contract {
        private final Backend backend = new ScalarBackend();

        @Override
        Backend backend() {
            return backend;
        }
    }

    @Nested
    class Simd extends Contract {
        private final Backend backend = new SimdBackend(2);

        @Override
        Backend backend() {
            return backend;
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OpenCl extends Contract {
        private OpenClBackend backend;

        @BeforeAll
        void start() {
            backend = OpenClTestDevice.backendOrSkip();
        }

        @AfterAll
        void stop() {
            if (backend != null) {
                backend.shutdown();
            }
        }

        @Override
        Backend backend() {
            return backend;
        }
    }
}
