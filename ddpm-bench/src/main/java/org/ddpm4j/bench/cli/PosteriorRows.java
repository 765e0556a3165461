package org.ddpm4j.bench.cli;

import org.ddpm4j.tensor.Tensor;

/** Stacks equally shaped image batches one after another, so a grid with B columns shows one batch per row. */
final class PosteriorRows {
    private PosteriorRows() {
    }

    static Tensor stack(Tensor... rows) {
        int[] shape = rows[0].shape();
        shape[0] *= rows.length;
        float[] out = new float[Math.toIntExact(Tensor.elementCount(shape))];
        int at = 0;
        for (Tensor r : rows) {
            System.arraycopy(r.toArray(), 0, out, at, r.size());
            at += r.size();
        }
        return Tensor.of(out, shape);
    }
}
