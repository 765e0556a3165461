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
        double norm = globalNorm(be, params);
        clipToNorm(be, params, maxNorm, norm);
        return norm;
    }

    /** ‖g‖₂ over all gradients: NaN or infinite when any gradient is. */
    public static double globalNorm(Backend be, List<Parameter> params) {
        double[] squares = new double[params.size()];
        be.sumsOfSquares(params.stream().map(Parameter::grad).toList(), squares);
        double sq = 0;
        for (double s : squares) {
            sq += s;
        }
        return Math.sqrt(sq);
    }

    /** Scales the gradients, whose global norm is {@code norm}, down to {@code maxNorm} if above it. */
    public static void clipToNorm(Backend be, List<Parameter> params, double maxNorm, double norm) {
        if (norm > maxNorm) {
            float s = (float) (maxNorm / norm);
            for (Parameter p : params) {
                be.scale(p.grad(), s, p.grad());
            }
        }
    }
}
