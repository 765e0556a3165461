package org.ddpm4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** An interrupt that reaches a parallel op neither breaks it nor gets lost: the caller's loop acts on it. */
class InterruptTest {

    @Test
    void anInterruptedCallerStillGetsTheWholeResultAndKeepsItsInterrupt() {
        Backend be = Backends.create("simd", 4);
        try {
            RandomTensors r = new RandomTensors(3);
            Tensor a = r.normal(192, 160), b = r.normal(160, 144);
            Tensor quiet = Tensor.zeros(192, 144), interrupted = Tensor.zeros(192, 144);
            be.matmul(a, false, b, false, quiet, 1f, false);
            Thread.currentThread().interrupt();
            be.matmul(a, false, b, false, interrupted, 1f, false);
            assertTrue(Thread.interrupted(), "the interrupt is still set after the op (and cleared here)");
            assertArrayEquals(quiet.toArray(), interrupted.toArray(), "every chunk finished before the op returned");
        } finally {
            Thread.interrupted();
            be.shutdown();
        }
    }
}
