package org.ddpm4j.diffusion;

/**
 * β schedules of the forward process, in double. Linear is DDPM's (T = 1000, 1e-4 → 0.02); cosine is Nichol &amp;
 * Dhariwal's ({@code ᾱ(t) = cos²((t/T + s)/(1 + s)·π/2)}, s = 0.008, β clipped at 0.999).
 */
public final class Schedules {
    private Schedules() {
    }

    /** β_t evenly spaced from {@code start} to {@code end} (DDPM: {@code linear(1000, 1e-4, 0.02)}). */
    public static Schedule linear(int steps, double start, double end) {
        double[] b = new double[checkSteps(steps)];
        for (int i = 0; i < steps; i++) {
            b[i] = steps == 1 ? start : start + (end - start) * i / (steps - 1);
        }
        return new Schedule("linear", b);
    }

    /** √β_t evenly spaced from √start to √end. */
    public static Schedule quadratic(int steps, double start, double end) {
        double[] b = new double[checkSteps(steps)];
        for (int i = 0; i < steps; i++) {
            double r = steps == 1 ? Math.sqrt(start) : Math.sqrt(start) + (Math.sqrt(end) - Math.sqrt(start)) * i / (steps - 1);
            b[i] = r * r;
        }
        return new Schedule("quadratic", b);
    }

    /** The same β at every step (Sohl-Dickstein et al.'s simplest choice). */
    public static Schedule constant(int steps, double beta) {
        double[] b = new double[checkSteps(steps)];
        java.util.Arrays.fill(b, beta);
        return new Schedule("constant", b);
    }

    /** Nichol &amp; Dhariwal's cosine schedule. */
    public static Schedule cosine(int steps) {
        double s = 0.008;
        double[] b = new double[checkSteps(steps)];
        for (int i = 0; i < steps; i++) {
            double a0 = cosineAlphaBar(i / (double) steps, s), a1 = cosineAlphaBar((i + 1) / (double) steps, s);
            b[i] = Math.min(1 - a1 / a0, 0.999);
        }
        return new Schedule("cosine", b);
    }

    /** β_t = start + (end − start)·sigmoid(x_t), x_t evenly spaced in [−6, 6]. */
    public static Schedule sigmoid(int steps, double start, double end) {
        double[] b = new double[checkSteps(steps)];
        for (int i = 0; i < steps; i++) {
            double x = steps == 1 ? 0 : -6 + 12.0 * i / (steps - 1);
            b[i] = start + (end - start) / (1 + Math.exp(-x));
        }
        return new Schedule("sigmoid", b);
    }

    /**
     * Ho &amp; Salimans' schedule (classifier-free guidance, §4): λ(u) = −2·log tan(a·u + b) for u in (0, 1], with b
     * = arctan(e^{−λ_max/2}) and a = arctan(e^{−λ_min/2}) − b, so λ runs from λ_max to λ_min; ᾱ = sigmoid(λ). They
     * train in continuous time; here u takes {@code steps} evenly spaced values u_t = (t + 1)/steps (the networks
     * take integer timesteps), which with a fine grid (10 000: u within 1e-4) and a respaced sampler (256 steps,
     * evenly spaced u) is their setting.
     */
    public static Schedule cosineLogSnr(int steps, double logSnrMin, double logSnrMax) {
        if (!(logSnrMax > logSnrMin)) {
            throw new IllegalArgumentException("need λ_min < λ_max, got " + logSnrMin + ", " + logSnrMax);
        }
        double b = Math.atan(Math.exp(-logSnrMax / 2)), a = Math.atan(Math.exp(-logSnrMin / 2)) - b;
        double[] betas = new double[checkSteps(steps)];
        double prev = 1;
        for (int i = 0; i < steps; i++) {
            double lambda = -2 * Math.log(Math.tan(a * (i + 1) / steps + b));
            double abar = 1 / (1 + Math.exp(-lambda));
            betas[i] = 1 - abar / prev;
            prev = abar;
        }
        return new Schedule("cosine-log-snr", betas);
    }

    /**
     * A schedule linear in the log signal-to-noise ratio λ = log(ᾱ/(1 − ᾱ)), from {@code logSnrStart} at the first
     * step down to {@code logSnrEnd} at the last (Kingma et al.'s VDM; Ho &amp; Salimans use λ ∈ [−20, 20]):
     * ᾱ_t = sigmoid(λ_t), β_t = 1 − ᾱ_t/ᾱ_{t−1}. Every step then removes the same fraction of the SNR, so no step
     * of the variational bound is much coarser than another; continuous data with its own noise floor should start
     * at that floor (λ = log(1/σ²)).
     */
    public static Schedule logSnrLinear(int steps, double logSnrStart, double logSnrEnd) {
        if (!(logSnrStart > logSnrEnd)) {
            throw new IllegalArgumentException("log-SNR must decrease: start " + logSnrStart + ", end " + logSnrEnd);
        }
        double[] b = new double[checkSteps(steps)];
        double prev = 1;
        for (int i = 0; i < steps; i++) {
            double lambda = steps == 1 ? logSnrEnd : logSnrStart + (logSnrEnd - logSnrStart) * i / (steps - 1);
            double abar = 1 / (1 + Math.exp(-lambda));
            b[i] = 1 - abar / prev;
            prev = abar;
        }
        return new Schedule("log-snr-linear", b);
    }

    private static double cosineAlphaBar(double t, double s) {
        double c = Math.cos((t + s) / (1 + s) * Math.PI / 2);
        return c * c;
    }

    private static int checkSteps(int steps) {
        if (steps < 1 || steps > Schedule.MAX_STEPS) {
            throw new IllegalArgumentException("a schedule needs 1 to " + Schedule.MAX_STEPS + " steps, got " + steps);
        }
        return steps;
    }
}
