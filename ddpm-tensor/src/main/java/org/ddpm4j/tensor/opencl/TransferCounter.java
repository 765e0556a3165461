package org.ddpm4j.tensor.opencl;

import java.util.concurrent.atomic.AtomicLong;

/** Bytes copied between host and device by one backend, for the per-step transfer report. */
final class TransferCounter {
    private final AtomicLong toDevice = new AtomicLong();
    private final AtomicLong toHost = new AtomicLong();

    void toDevice(int floats) {
        toDevice.addAndGet(4L * floats);
    }

    void toHost(int floats) {
        toHost.addAndGet(4L * floats);
    }

    Transfers snapshot() {
        return new Transfers(toDevice.get(), toHost.get());
    }
}
