package org.ddpm4j.diffusion.data;

import java.util.random.RandomGenerator;
import org.ddpm4j.tensor.Tensor;

/** Data augmentation by random horizontal flips (DDPM's CIFAR-10 training). */
public final class RandomFlips {
    private RandomFlips() {
    }

    /** Mirrors each image of {@code x} ([B, C, H, W]) left–right, in place, with probability 1/2. */
    public static void flipSomeHorizontally(Tensor x, RandomGenerator rng) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("flips need image batches [B, C, H, W], got " + x.shapeString());
        }
        int b = x.dim(0), rows = x.dim(1) * x.dim(2), w = x.dim(3);
        x.update(d -> {
            for (int n = 0; n < b; n++) {
                if (!rng.nextBoolean()) {
                    continue;
                }
                for (int r = 0; r < rows; r++) {
                    int off = (n * rows + r) * w;
                    for (int i = 0, j = w - 1; i < j; i++, j--) {
                        float tmp = d[off + i];
                        d[off + i] = d[off + j];
                        d[off + j] = tmp;
                    }
                }
            }
        });
    }
}
