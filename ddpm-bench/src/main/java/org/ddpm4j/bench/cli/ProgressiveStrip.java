package org.ddpm4j.bench.cli;

import java.util.List;
import org.ddpm4j.tensor.Tensor;

/** Lays out snapshots of x̂₀ (each {@code [S, C, H, W]}) as one image per (sample, snapshot), sample-major. */
final class ProgressiveStrip {
    private ProgressiveStrip() {
    }

    static Tensor rowsPerSample(List<Tensor> snapshots) {
        Tensor first = snapshots.get(0);
        int samples = first.dim(0), per = first.size() / samples, cols = snapshots.size();
        float[] out = new float[samples * cols * per];
        for (int c = 0; c < cols; c++) {
            float[] snapshot = snapshots.get(c).toArray();
            for (int s = 0; s < samples; s++) {
                System.arraycopy(snapshot, s * per, out, (s * cols + c) * per, per);
            }
        }
        return Tensor.of(out, samples * cols, first.dim(1), first.dim(2), first.dim(3));
    }
}
