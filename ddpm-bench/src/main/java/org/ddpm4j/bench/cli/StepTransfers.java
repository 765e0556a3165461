package org.ddpm4j.bench.cli;

import java.util.List;
import java.util.Locale;
import org.ddpm4j.bench.unet.UNetCase;
import org.ddpm4j.bench.unet.UNetWorkload;
import org.ddpm4j.tensor.opencl.OpenClBackend;
import org.ddpm4j.tensor.opencl.Transfers;

/** The host↔device traffic of one U-Net training step on the OpenCL backend, measured in this JVM. */
final class StepTransfers {
    private StepTransfers() {
    }

    /** Runs one warm-up step and one counted step of every training case and prints the bytes moved. */
    static void print(List<UNetCase> cases) {
        OpenClBackend be = OpenClBackend.create();
        try {
            System.out.println("== bytes moved per training step on " + be.describe());
            for (UNetCase c : cases) {
                if (!c.training()) {
                    continue;
                }
                UNetWorkload w = new UNetWorkload(be, c);
                w.run();
                Transfers before = be.transfers();
                w.run();
                Transfers step = be.transfers().since(before);
                System.out.printf(Locale.ROOT, "%-28s to device %8.1f MB, to host %8.1f MB%n", c.key(),
                        step.bytesToDevice() / 1e6, step.bytesToHost() / 1e6);
            }
        } finally {
            be.shutdown();
        }
    }
}
