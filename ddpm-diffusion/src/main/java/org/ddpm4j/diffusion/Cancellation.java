package org.ddpm4j.diffusion;

import java.util.concurrent.CancellationException;

/**
 * How long calls stop early: training, sampling and the bound check the calling thread's interrupt flag once per
 * step (one network call, at most about a second on 2 cores for the small U-Net) and throw
 * {@link CancellationException}, leaving the flag set. Interrupt the thread (or cancel its {@code Future} with
 * {@code mayInterruptIfRunning}) to stop one.
 */
public final class Cancellation {
    private Cancellation() {
    }

    /**
     * Throws if the current thread has been interrupted, leaving its interrupt flag set.
     *
     * @param what the call and where it stands, for the exception's message (e.g. "sampling at step 412")
     * @throws CancellationException if the current thread has been interrupted
     */
    public static void throwIfInterrupted(String what) {
        if (Thread.currentThread().isInterrupted()) {
            throw new CancellationException(what + ": cancelled (thread interrupted)");
        }
    }
}
