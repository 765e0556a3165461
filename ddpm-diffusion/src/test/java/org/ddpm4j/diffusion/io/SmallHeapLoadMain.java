package org.ddpm4j.diffusion.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ddpm4j.diffusion.data.Idx;
import org.ddpm4j.tensor.ScalarBackend;

/**
 * Run under a small heap: loads files that declare gigabytes in a few bytes and prints, per file, the error it got.
 * An {@link OutOfMemoryError} ends the JVM with a non-zero exit, which the test reports.
 */
public final class SmallHeapLoadMain {
    private SmallHeapLoadMain() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("hostile");
        Path rawIdx = dir.resolve("raw-idx3-ubyte"), gzIdx = dir.resolve("gz-idx3-ubyte.gz");
        HostileFiles.idx(rawIdx, new int[] {2100, 1000, 1000}, new byte[0], false);
        HostileFiles.idx(gzIdx, new int[] {2100, 1000, 1000}, new byte[1000], true);
        Path wide = dir.resolve("wide.safetensors"), long_ = dir.resolve("long.safetensors");
        HostileFiles.smallCheckpointDeclaring(wide, 4096, 1000);
        HostileFiles.smallCheckpointDeclaring(long_, 32, 2_000_000_000L);
        report("idx", rawIdx, () -> Idx.read(rawIdx));
        report("idx.gz", gzIdx, () -> Idx.read(gzIdx));
        report("channels 4096", wide, () -> ImageModelFiles.loadForSampling(wide, new ScalarBackend()));
        report("steps 2e9", long_, () -> ImageModelFiles.loadForSampling(long_, new ScalarBackend()));
    }

    private interface Load {
        Object run() throws IOException;
    }

    private static void report(String what, Path file, Load load) throws IOException {
        try {
            load.run();
            System.out.println(what + " LOADED");
        } catch (IOException e) {
            System.out.println(what + " REFUSED " + e.getMessage());
        }
        System.out.println(what + " size " + Files.size(file));
    }
}
