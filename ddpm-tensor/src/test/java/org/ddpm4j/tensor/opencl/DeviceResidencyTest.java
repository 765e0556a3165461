package org.ddpm4j.tensor.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ddpm4j.tensor.DeviceHolder;
import org.ddpm4j.tensor.OpenClTestDevice;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;
import org.ddpm4j.tensor.TensorArrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Data stays on the device between ops and comes back exactly when the host asks: the bytes each step moves, views,
 * host writes between ops, eviction under a small memory budget, release of collected arrays, and shutdown.
 */
class DeviceResidencyTest {
    private static final int N = 1000;
    private static final long BYTES = 4L * N;
    private static OpenClBackend backend;

    @BeforeAll
    static void start() {
        backend = OpenClTestDevice.backendOrSkip();
    }

    @AfterAll
    static void stop() {
        if (backend != null) {
            backend.shutdown();
        }
    }

    private static Tensor filled(float v) {
        return Tensor.zeros(N).fill(v);
    }

    @Test
    void aChainOfOpsMovesOnlyItsInputsAndWhatTheHostReads() {
        Tensor a = filled(1f), b = filled(2f), out = Tensor.zeros(N), out2 = Tensor.zeros(N);
        Transfers before = backend.transfers();
        backend.add(a, b, out);
        backend.axpy(0.5f, a, out);
        backend.mul(out, b, out2);
        Transfers ops = backend.transfers().since(before);
        assertEquals(2 * BYTES, ops.bytesToDevice(), "a and b go up once; outputs are created on the device");
        assertEquals(0, ops.bytesToHost(), "nothing comes back until the host asks");

        before = backend.transfers();
        assertEquals(7f, out2.get(N - 1), "(1 + 2 + 0.5) · 2");
        assertEquals(3.5f, out.get(0));
        out2.toArray();
        assertEquals(new Transfers(0, 2 * BYTES), backend.transfers().since(before), "each output came back once");
    }

    @Test
    void aHostWriteBetweenOpsIsUploadedBeforeTheNextOp() {
        Tensor a = filled(1f), out = Tensor.zeros(N);
        backend.scale(a, 3f, out);
        out.update(v -> v[5] = 100f);
        Tensor twice = Tensor.zeros(N);
        Transfers before = backend.transfers();
        backend.scale(out, 2f, twice);
        assertEquals(BYTES, backend.transfers().since(before).bytesToDevice(), "out changed on the host: re-sent");
        assertEquals(200f, twice.get(5));
        assertEquals(6f, twice.get(6));
    }

    @Test
    void aViewSeesTheDeviceResult() {
        Tensor x = Tensor.zeros(2, 5, 10, 10).fill(-1f), y = x.zerosLike();
        backend.silu(x, y);
        Tensor flat = y.reshape(2, 500);
        float expected = (float) (-1.0 / (1.0 + Math.exp(1.0)));
        assertEquals(expected, flat.get(999), 1e-6f);
        assertEquals(expected, y.copy().get(0), 1e-6f, "copy() reads the current values too");
    }

    @Test
    void tensorMethodsThatWriteValuesWinOverTheDeviceCopy() {
        Tensor a = filled(1f), out = Tensor.zeros(N);
        backend.scale(a, 4f, out);
        out.fill(-2f);
        Tensor back = Tensor.zeros(N);
        backend.scale(out, 1f, back);
        assertEquals(-2f, back.get(3));
        back.copyFrom(a);
        Tensor again = Tensor.zeros(N);
        backend.add(back, a, again);
        assertEquals(2f, again.get(7));
    }

    @Test
    void zeroingOnTheHostClearsTheDeviceCopyWithoutMovingIt() {
        Tensor a = filled(1f), acc = Tensor.zeros(N);
        backend.axpy(3f, a, acc);
        Transfers before = backend.transfers();
        acc.zero();
        backend.axpy(2f, a, acc);
        assertEquals(new Transfers(0, 0), backend.transfers().since(before), "cleared on the device, not re-sent");
        assertEquals(2f, acc.get(N - 1), "the old device values are gone");

        Tensor fresh = Tensor.zeros(N);
        before = backend.transfers();
        backend.axpy(1f, a, fresh);
        assertEquals(0, backend.transfers().since(before).bytesToDevice(), "a new zero tensor is not uploaded");
        assertEquals(1f, fresh.get(0));
    }

    /** Holds nothing: binding a tensor to it hands out the tensor's host array untouched, for a test to look into. */
    private static final DeviceHolder ARRAY_PEEK = new DeviceHolder() {
        @Override
        public void toHost(float[] array) {
        }

        @Override
        public void giveBack(float[] array) {
        }

        @Override
        public void overwrittenOnHost(float[] array, boolean zeros) {
        }
    };

    /** A tensor of NaNs, zeroed: its zeros pending, its host array (returned in {@code array[0]}) still NaN. */
    private static Tensor zeroedOverNaN(float[][] array) {
        Tensor t = filled(Float.NaN);
        array[0] = TensorArrays.forDevice(t, ARRAY_PEEK);
        return t.zero();
    }

    @Test
    void zerosOfAZeroedTensorAreClearedOnTheDeviceAndWrittenOnTheHostOnlyWhenRead() {
        float[][] host = new float[1][];
        Tensor grad = zeroedOverNaN(host), a = filled(1f), out = Tensor.zeros(N);
        Transfers before = backend.transfers();
        backend.add(grad, a, out);
        assertEquals(BYTES, backend.transfers().since(before).bytesToDevice(),
                "only a goes up; the zeros are not sent");
        assertTrue(Float.isNaN(host[0][N - 1]), "the host did not write the zeros for the device");
        assertEquals(1f, out.get(N - 1), "the device read zeros");
        assertEquals(0f, grad.get(N - 1), "the host reads zeros");
        assertEquals(0f, host[0][0], "written into the host array when read");

        Tensor acc = zeroedOverNaN(host);
        backend.axpy(2f, a, acc);
        assertEquals(2f, acc.get(3), "accumulated into the device's zeros");
        assertEquals(2f, host[0][3]);
    }

    @Test
    void zerosOwedToTheHostReachAHostBackendEvictionAndShutdown() {
        float[][] host = new float[1][];
        Tensor a = filled(1f), grad = zeroedOverNaN(host), out = Tensor.zeros(N);
        backend.add(grad, a, out);
        new ScalarBackend().add(grad, a, out);
        assertEquals(1f, out.get(0), "a host backend reads the zeros");

        OpenClBackend small = OpenClBackend.withMemoryBudget(backend.device(), 3 * BYTES);
        try {
            Tensor evicted = zeroedOverNaN(host);
            small.add(evicted, a, Tensor.zeros(N));
            for (int i = 0; i < 3; i++) {
                small.scale(a, 2f, Tensor.zeros(N));
            }
            assertEquals(0f, host[0][N - 1], "written into the host array when its device copy was evicted");
            assertEquals(0f, evicted.get(N - 1));
        } finally {
            small.shutdown();
        }

        OpenClBackend own = OpenClBackend.on(backend.device());
        Tensor released = zeroedOverNaN(host);
        own.add(released, a, Tensor.zeros(N));
        own.shutdown();
        assertEquals(0f, host[0][0], "written into the host array at shutdown");
        assertEquals(0f, released.get(0));
    }

    @Test
    void shutdownCopiesNewerDeviceValuesBack() {
        OpenClBackend own = OpenClBackend.on(backend.device());
        Tensor a = filled(2f), out = Tensor.zeros(N);
        own.scale(a, 1.5f, out);
        own.shutdown();
        assertEquals(3f, out.get(N / 2), "computed before shutdown, read after");
        assertThrows(IllegalStateException.class, () -> own.scale(a, 1f, out), "used after shutdown");
    }

    @Test
    void aSmallBudgetEvictsWithoutLosingValues() {
        long budget = 6 * BYTES;
        OpenClBackend small = OpenClBackend.withMemoryBudget(backend.device(), budget);
        try {
            Tensor[] chain = new Tensor[12];
            chain[0] = filled(1f);
            for (int i = 1; i < chain.length; i++) {
                chain[i] = Tensor.zeros(N);
                small.scale(chain[i - 1], 2f, chain[i]);
                synchronized (DeviceRuntime.LOCK) {
                    assertTrue(small.runtime().arrays().usedBytes() <= budget,
                            "held " + small.runtime().arrays().usedBytes() + " bytes, budget " + budget);
                }
            }
            for (int i = 0; i < chain.length; i++) {
                assertEquals((float) Math.pow(2, i), chain[i].get(N - 1), "link " + i);
            }
        } finally {
            small.shutdown();
        }
    }

    @Test
    void buffersOfCollectedArraysAreReleased() throws InterruptedException {
        OpenClBackend own = OpenClBackend.on(backend.device());
        try {
            Tensor a = Tensor.zeros(10 * N).fill(1f), small = filled(1f);
            own.scale(small, 2f, Tensor.zeros(N));
            long baseline = used(own);
            List<Tensor> outputs = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                outputs.add(Tensor.zeros(10 * N));
                own.scale(a, 2f, outputs.get(i));
            }
            assertTrue(used(own) >= baseline + 50 * 10 * BYTES, "fifty outputs held while their arrays live");
            outputs.clear();
            long after = Long.MAX_VALUE;
            for (int attempt = 0; attempt < 20 && after > baseline + 12 * BYTES; attempt++) {
                System.gc();
                Thread.sleep(50);
                own.scale(small, 2f, Tensor.zeros(N));
                after = used(own);
            }
            assertTrue(after <= baseline + 12 * BYTES, "after collection " + after + " bytes, baseline " + baseline);
        } finally {
            own.shutdown();
        }
    }

    @Test
    void reductionsReturnDeviceResultsWithoutMovingTheTensor() {
        Tensor a = filled(0.5f), out = Tensor.zeros(N);
        backend.scale(a, 2f, out);
        Transfers before = backend.transfers();
        assertEquals(N, backend.sum(out), 1e-3);
        Transfers sum = backend.transfers().since(before);
        assertEquals(0, sum.bytesToDevice());
        assertTrue(sum.bytesToHost() < BYTES, "only the partial sums come back: " + sum.bytesToHost());
        assertArrayEquals(filled(1f).toArray(), out.toArray());
    }

    private static long used(OpenClBackend be) {
        synchronized (DeviceRuntime.LOCK) {
            return be.runtime().arrays().usedBytes();
        }
    }
}
