package org.ddpm4j.bench.cli;

import java.nio.file.Path;

/** Defaults that depend on where the repository is: the {@code ddpm} launcher exports {@code DDPM_HOME}. */
final class BenchDefaults {
    private BenchDefaults() {
    }

    /** {@code $DDPM_HOME/../shared/bench/pytorch_baseline.py}, or relative to the working directory. */
    static Path pytorchScript() {
        String home = System.getenv("DDPM_HOME");
        Path root = home == null ? Path.of(".") : Path.of(home);
        return root.resolve("../shared/bench/pytorch_baseline.py").normalize();
    }
}
