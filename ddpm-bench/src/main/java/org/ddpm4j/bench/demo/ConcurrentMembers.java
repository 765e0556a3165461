package org.ddpm4j.bench.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.ddpm4j.diffusion.train.TrainingListener;
import org.ddpm4j.nn.Denoiser;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Backends;

/**
 * Trains the members of an ensemble side by side. A SIMD backend's threads are split among workers, each with a
 * one-thread (or narrower) backend of its own: a small MLP's ops are too short to gain from a second thread, so two
 * networks on one thread each finish sooner than two in turn on two threads. Other backends train the members one
 * after another on the given backend.
 */
final class ConcurrentMembers {

    /** Trains member {@code index} on {@code backend}; returns it ready for use on the caller's backend. */
    @FunctionalInterface
    interface MemberTraining {
        Denoiser train(int index, Backend backend, TrainingListener listener);
    }

    private ConcurrentMembers() {
    }

    /**
     * @param stepsEach training steps of one member, for the progress reported to {@code listener} (steps of all
     *                  members together, out of {@code count · stepsEach})
     */
    static List<Denoiser> train(int count, long stepsEach, Backend be, MemberTraining training,
                                TrainingListener listener) {
        int workers = be.name().equals("simd") ? Math.max(1, Math.min(be.threads(), count)) : 1;
        TrainingListener combined = combinedProgress(count * stepsEach, listener);
        if (workers == 1) {
            List<Denoiser> members = new ArrayList<>();
            for (int m = 0; m < count; m++) {
                members.add(training.train(m, be, combined));
            }
            return members;
        }
        int threadsEach = Math.max(1, be.threads() / workers);
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<List<Denoiser>>> work = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int first = w;
                work.add(pool.submit(() -> {
                    Backend own = Backends.create(be.name(), threadsEach);
                    try {
                        List<Denoiser> mine = new ArrayList<>();
                        for (int m = first; m < count; m += workers) {
                            mine.add(training.train(m, own, combined));
                        }
                        return mine;
                    } finally {
                        own.shutdown();
                    }
                }));
            }
            Denoiser[] members = new Denoiser[count];
            for (int w = 0; w < workers; w++) {
                List<Denoiser> mine = work.get(w).get();
                for (int k = 0; k < mine.size(); k++) {
                    members[w + k * workers] = mine.get(k);
                }
            }
            return List.of(members);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("training the ensemble: cancelled (thread interrupted)");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** One progress stream for all members: steps summed, rate over the whole run, calls serialised. */
    private static TrainingListener combinedProgress(long totalSteps, TrainingListener listener) {
        AtomicLong done = new AtomicLong();
        long start = System.nanoTime();
        return p -> {
            long step = done.incrementAndGet();
            double seconds = (System.nanoTime() - start) / 1e9;
            synchronized (listener) {
                listener.onStep(new TrainingListener.Progress(step, totalSteps, p.loss(), step / seconds));
            }
        };
    }
}
