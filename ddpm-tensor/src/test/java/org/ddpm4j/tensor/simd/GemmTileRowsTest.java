package org.ddpm4j.tensor.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ddpm4j.tensor.ForkedJvm;
import org.junit.jupiter.api.Test;

/**
 * The GEMM micro-tile's rows follow the machine's vector registers, and the row count this machine does not choose
 * is checked too: a forked JVM with {@code ddpm.gemm.rows} set to it runs every op against the scalar reference.
 */
class GemmTileRowsTest {
    @Test
    void fourRowsOnX86WithoutAvx512AndEightWhereThereAre32Registers() {
        assertEquals(4, Sgemm.tileRows(null, "amd64", 8));
        assertEquals(4, Sgemm.tileRows(null, "x86_64", 4));
        assertEquals(8, Sgemm.tileRows(null, "amd64", 16));
        assertEquals(8, Sgemm.tileRows(null, "aarch64", 4));
    }

    @Test
    void thePropertyOverridesTheChoiceAndAnythingButFourOrEightIsRefusedByName() {
        assertEquals(8, Sgemm.tileRows("8", "amd64", 8));
        assertEquals(4, Sgemm.tileRows(" 4 ", "aarch64", 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sgemm.tileRows("6", "amd64", 8));
        assertTrue(e.getMessage().contains("ddpm.gemm.rows=6") && e.getMessage().contains("4 or 8"), e.getMessage());
    }

    @Test
    void theOtherRowCountAgreesWithTheScalarReferenceOnEveryOp() throws Exception {
        int other = Sgemm.MR == 8 ? 4 : 8;
        ForkedJvm.Result r = ForkedJvm.run(OtherTileRowsCheck.class,
                List.of("--add-modules", "jdk.incubator.vector", "-D" + Sgemm.ROWS_PROPERTY + "=" + other), List.of());
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("GEMM tiles " + other + "x" + Sgemm.NR), r.output());
        assertTrue(r.output().contains(" 0 failed"), r.output());
    }
}
