package org.ddpm4j.bench.compare;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The PyTorch peer's scripts, packed in this jar (from {@code ddpm-bench/src/main/python}), written out to run. */
public final class PeerScript {
    private static final String[] FILES = {"pytorch_peer.py", "ddpm_unet.py"};

    private PeerScript() {
    }

    /** Copies the scripts into a new temporary directory (removed at exit) and returns the peer's path. */
    public static Path extract() throws IOException {
        Path dir = Files.createTempDirectory("ddpm-pytorch-peer-");
        dir.toFile().deleteOnExit();
        for (String name : FILES) {
            try (InputStream in = PeerScript.class.getResourceAsStream("python/" + name)) {
                if (in == null) {
                    throw new IOException("python/" + name + " is missing from the ddpm4j bench jar");
                }
                Path file = dir.resolve(name);
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                file.toFile().deleteOnExit();
            }
        }
        return dir.resolve(FILES[0]);
    }
}
