package org.ddpm4j.tensor.simd;

import java.util.List;
import org.ddpm4j.tensor.check.BackendCheck;
import org.ddpm4j.tensor.check.OpComparison;

/** Run by {@link GemmTileRowsTest} in a forked JVM: every op of a 2-thread SIMD backend against the scalar reference. */
public final class OtherTileRowsCheck {
    private static final long SEED = 17;

    private OtherTileRowsCheck() {
    }

    public static void main(String[] args) {
        SimdBackend backend = new SimdBackend(2);
        System.out.println(backend.describe());
        List<OpComparison> all = new BackendCheck(SEED).compare(backend, r -> {
            if (!r.passed()) {
                System.out.println("FAILED " + r);
            }
        });
        long failed = all.stream().filter(r -> !r.passed()).count();
        System.out.println(all.size() + " outputs, " + failed + " failed");
        backend.shutdown();
        System.exit(failed == 0 ? 0 : 1);
    }
}
