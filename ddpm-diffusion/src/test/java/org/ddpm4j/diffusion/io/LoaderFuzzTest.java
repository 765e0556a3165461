package org.ddpm4j.diffusion.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ddpm4j.tensor.ForkedJvm;
import org.junit.jupiter.api.Test;

/**
 * Seeded, bounded fuzzing of the checkpoint and IDX loaders in a forked JVM with a small heap: every mutant either
 * loads or is refused with an {@link java.io.IOException}; never an {@link OutOfMemoryError}, another runtime
 * exception, or a hang (the fork has a time limit).
 */
class LoaderFuzzTest {
    private static final String SEED = "19", MUTANTS = "2000", HEAP = "-Xmx256m";

    @Test
    void everyMutantLoadsOrIsRefusedWithTheDocumentedException() throws Exception {
        ForkedJvm.Result r = ForkedJvm.run(LoaderFuzzMain.class, List.of(HEAP), List.of(SEED, MUTANTS));
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("mutants " + MUTANTS + " "), r.output());
        // The mutations reach the loaders' checks rather than all failing the same way.
        String summary = r.output().lines().filter(l -> l.startsWith("mutants ")).findFirst().orElseThrow();
        System.out.println("loader fuzz, seed " + SEED + ": " + summary);
        String[] f = summary.split(" ");
        assertTrue(Integer.parseInt(f[3]) > 0 && Integer.parseInt(f[5]) > 0, summary);
    }
}
