package org.ddpm4j.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.ddpm4j.diffusion.data.SwissRoll;
import org.ddpm4j.diffusion.sample.Sampler;
import org.ddpm4j.diffusion.train.Trainer;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.nn.ForwardContext;
import org.ddpm4j.nn.MlpDenoiser;
import org.ddpm4j.nn.Parameter;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Backends;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the API promises about threads: one model shared by several samplers, and cancellation by interrupt. */
class ConcurrencyTest {
    private static final int SAMPLERS = 4;
    /**
     * The Vector API's exp and lane reductions may round differently once C2 has compiled them (measured: one
     * float ulp between two identical runs on one thread), so runs agree to rounding, not bit for bit; two
     * forwards racing on one model's buffers would differ by O(1).
     */
    private static final float JIT_ROUNDING = 1e-4f;
    private final Backend be = Backends.create("simd", 2);

    @AfterEach
    void tearDown() {
        Thread.interrupted();
        be.shutdown();
    }

    private GaussianDiffusion diffusion() {
        return GaussianDiffusion.builder().schedule(Schedules.linear(60, 1e-3, 0.2)).dataKind(DataKind.CONTINUOUS)
                .build();
    }

    private MlpDenoiser model() {
        return new MlpDenoiser(new MlpDenoiser.Config(2, 64, 2, 16, 0), be, new SplittableRandom(1));
    }

    @Test
    void samplersOnSeveralThreadsShareOneModelAndDrawWhatTheyWouldAlone() throws Exception {
        MlpDenoiser shared = model();
        Sampler sampler = new Sampler(diffusion()).clipDenoised(false);
        List<float[]> alone = new ArrayList<>();
        for (int i = 0; i < SAMPLERS; i++) {
            alone.add(sampler.sample(shared, new int[] {100, 2}, new SplittableRandom(i)).toArray());
        }

        ExecutorService pool = Executors.newFixedThreadPool(SAMPLERS);
        try {
            List<Future<Tensor>> together = new ArrayList<>();
            for (int i = 0; i < SAMPLERS; i++) {
                long seed = i;
                together.add(pool.submit(() -> sampler.sample(shared, new int[] {100, 2}, new SplittableRandom(seed))));
            }
            for (int i = 0; i < SAMPLERS; i++) {
                assertArrayEquals(alone.get(i), together.get(i).get().toArray(), JIT_ROUNDING, "sampler " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Interrupts its caller's thread at the {@code at}-th forward, as if another thread had cancelled it then. */
    private static final class InterruptingModel implements Denoiser {
        private final Denoiser inner;
        private final int at;
        int forwards;

        InterruptingModel(Denoiser inner, int at) {
            this.inner = inner;
            this.at = at;
        }

        @Override
        public Tensor forward(Tensor x, int[] t, int[] labels, ForwardContext ctx) {
            if (++forwards == at) {
                Thread.currentThread().interrupt();
            }
            return inner.forward(x, t, labels, ctx);
        }

        @Override
        public Backend backend() {
            return inner.backend();
        }

        @Override
        public void backward(Tensor g) {
            inner.backward(g);
        }

        @Override
        public List<Parameter> parameters() {
            return inner.parameters();
        }
    }

    @Test
    void anInterruptStopsSamplingAndTheBoundWithinOneStep() {
        InterruptingModel m = new InterruptingModel(model(), 5);
        CancellationException e = assertThrows(CancellationException.class,
                () -> new Sampler(diffusion()).sample(m, new int[] {10, 2}, new SplittableRandom(1)));
        assertEquals(5, m.forwards, "no network call after the interrupt");
        assertTrue(e.getMessage().contains("sampling at step 54"), e.getMessage());
        assertTrue(Thread.interrupted(), "the interrupt stays set for the caller");

        InterruptingModel b = new InterruptingModel(model(), 3);
        assertThrows(CancellationException.class, () -> diffusion().bound(b, Tensor.zeros(10, 2), null, new SplittableRandom(1)));
        assertEquals(3, b.forwards);
    }

    @Test
    void anInterruptStopsTrainingBetweenStepsAndLeavesAConsistentTrainer() {
        InterruptingModel m = new InterruptingModel(model(), 4);
        Trainer trainer = Trainer.builder(m, diffusion()).data(SwissRoll.sample(200, new SplittableRandom(2)))
                .batchSize(16).seed(5).build();
        CancellationException e = assertThrows(CancellationException.class, () -> trainer.train(1000, p -> { }));
        assertEquals(4, trainer.step(), "the step whose forward saw the interrupt completes; the next does not start");
        assertTrue(e.getMessage().contains("training at step 4"), e.getMessage());
        Thread.interrupted();
        trainer.train(2, p -> { });
        assertEquals(6, trainer.step(), "training goes on once the interrupt is cleared");
    }
}
