package org.ddpm4j.nn.optim;

import java.util.ArrayList;
import java.util.List;
import org.ddpm4j.nn.Parameter;
import org.ddpm4j.tensor.AdamCoefficients;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/**
 * Adam (Kingma &amp; Ba 2015) with bias correction, as DDPM trains: lr 2e-4, β₁ 0.9, β₂ 0.999, ε 1e-8, with an
 * optional linear learning-rate warmup. The moments live in tensors parallel to the parameters, so they can be
 * saved in and restored from checkpoints. The element-wise update runs on a {@link Backend} (on the device for the
 * OpenCL backend).
 */
public final class Adam {
    private final Backend be;
    private final List<Parameter> params;
    private final List<Tensor> m = new ArrayList<>();
    private final List<Tensor> v = new ArrayList<>();
    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final int warmupSteps;
    private long step;

    /**
     * @param be          runs the element-wise update (use the model's backend)
     * @param lr          learning rate after warm-up
     * @param beta1       decay of the first moment
     * @param beta2       decay of the second moment
     * @param eps         added to the root of the second moment
     * @param warmupSteps the learning rate rises linearly over this many steps (0: none)
     */
    public Adam(Backend be, List<Parameter> params, double lr, double beta1, double beta2, double eps,
                int warmupSteps) {
        if (!(lr > 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0) || warmupSteps < 0) {
            throw new IllegalArgumentException("Adam: lr " + lr + ", betas " + beta1 + "/" + beta2 + ", eps " + eps
                    + ", warmup " + warmupSteps);
        }
        this.be = be;
        this.params = List.copyOf(params);
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.warmupSteps = warmupSteps;
        for (Parameter p : params) {
            m.add(p.value().zerosLike());
            v.add(p.value().zerosLike());
        }
    }

    /** DDPM's settings (lr 2e-4, β 0.9/0.999, ε 1e-8, no warmup), updating on {@code be}. */
    public static Adam ddpm(Backend be, List<Parameter> params) {
        return new Adam(be, params, 2e-4, 0.9, 0.999, 1e-8, 0);
    }

    /** The learning rate of the next step: linear warmup from lr/warmup to lr. */
    public double currentLearningRate() {
        return warmupSteps == 0 ? lr : lr * Math.min(1.0, (step + 1) / (double) warmupSteps);
    }

    /** One update from the parameters' current gradients. */
    public void step() {
        step(1.0);
    }

    /**
     * One update at {@code rateScale} times the current learning rate: the hook for learning-rate schedules such as
     * cosine decay, computed by the caller from its own step count.
     */
    public void step(double rateScale) {
        if (!(rateScale >= 0)) {
            throw new IllegalArgumentException("Adam: learning-rate scale must be >= 0, got " + rateScale);
        }
        double rate = currentLearningRate() * rateScale;
        step++;
        double c1 = 1 - Math.pow(beta1, step), c2 = 1 - Math.pow(beta2, step);
        // θ −= lr·m̂/(√v̂ + ε) with m̂ = m/c1, v̂ = v/c2, folded into one step size.
        AdamCoefficients k = new AdamCoefficients((float) (rate / c1), (float) beta1, (float) beta2,
                (float) (1 / Math.sqrt(c2)), (float) eps);
        for (int i = 0; i < params.size(); i++) {
            be.adamUpdate(params.get(i).value(), params.get(i).grad(), m.get(i), v.get(i), k);
        }
    }

    /** Steps taken (sets the bias correction and the warm-up; saved in checkpoints). */
    public long stepCount() {
        return step;
    }

    /** Restores the step count (from a checkpoint). */
    public void setStepCount(long steps) {
        this.step = steps;
    }

    /** First moments, parallel to the parameters. */
    public List<Tensor> firstMoments() {
        return m;
    }

    /** Second moments, parallel to the parameters. */
    public List<Tensor> secondMoments() {
        return v;
    }
}
