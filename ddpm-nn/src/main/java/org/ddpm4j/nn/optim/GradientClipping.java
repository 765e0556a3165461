package org.ddpm4j.nn.optim;

import java.util.List;
import org.ddpm4j.nn.Parameter;
import org.ddpm4j.tensor.Backend;

/** Global-norm gradient clipping (DDPM clips at 1.0): all gradients are scaled by min(1, maxNorm/‖g‖₂). */
public final class GradientClipping {
    private GradientClipping() {
    }

    /** Clips in place and returns the norm before clipping. */
    public static double clipGlobalNorm(Backend be, List<Parameter> params, double maxNorm) {
        double sq = 0;
        for (Parameter p : params) {
            sq += be.sumOfSquares(p.grad());
        }
        double norm = Math.sqrt(sq);
        if (norm > maxNorm) {
            float s = (float) (maxNorm / norm);
            for (Parameter p : params) {
                be.scale(p.grad(), s, p.grad());
            }
        }
        return norm;
    }
}
