package org.ddpm4j.bench.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.ddpm4j.bench.compare.PeerScript;
import org.ddpm4j.bench.compare.PyTorchPeer;
import picocli.CommandLine.Option;

/** Where the PyTorch peer comes from: the interpreter and the script (by default the one packed in the jar). */
final class PeerOptions {
    @Option(names = "--pytorch-script", description = "the PyTorch peer (default: the pytorch_peer.py in this jar)")
    Path pytorchScript;

    @Option(names = "--python", description = "interpreter for the PyTorch peer (default: ${DEFAULT-VALUE})")
    String python = "/usr/bin/python3";

    void check(OptionChecks checks) {
        if (pytorchScript != null) {
            checks.readableFile("--pytorch-script", pytorchScript);
        }
    }

    /** Starts the peer with {@code threads} threads. */
    PyTorchPeer start(int threads) throws IOException {
        return PyTorchPeer.start(python, pytorchScript != null ? pytorchScript : PeerScript.extract(), threads);
    }
}
