package org.ddpm4j.diffusion.sample;

import org.ddpm4j.diffusion.Schedule;

/** Which timesteps a shortened sampling chain visits (Nichol &amp; Dhariwal 2021 §4; Lu et al. 2022 §3.3). */
public final class Respacing {
    private Respacing() {
    }

    /** {@code count} timesteps evenly spread over [0, T), always including 0 and T − 1, ascending. */
    public static int[] evenly(int steps, int count) {
        if (count < 1 || count > steps) {
            throw new IllegalArgumentException("cannot take " + count + " of " + steps + " timesteps");
        }
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = count == 1 ? steps - 1 : (int) Math.round(i * (steps - 1) / (double) (count - 1));
        }
        return out;
    }

    /**
     * {@code count} timesteps whose half log-SNR λ_t = ½·log(ᾱ_t/(1 − ᾱ_t)) is as evenly spread as the integer steps
     * allow, from T − 1 down to 0, ascending: DPM-Solver's "logSNR" spacing (Lu et al. 2022, §3.3), on which the
     * multistep solver's ratio of successive steps stays near 1. Where several λ targets round to the same step the
     * next free step is taken, so exactly {@code count} distinct steps are returned.
     */
    public static int[] uniformLogSnr(Schedule s, int count) {
        int steps = s.steps();
        if (count < 1 || count > steps) {
            throw new IllegalArgumentException("cannot take " + count + " of " + steps + " timesteps");
        }
        double lo = lambda(s, steps - 1), hi = lambda(s, 0);
        int[] out = new int[count];
        int t = steps - 1;
        for (int i = count - 1; i >= 0; i--) {
            double target = count == 1 ? lo : hi - (hi - lo) * i / (count - 1);
            // λ falls as t grows: the step nearest the target at or below the one taken last, leaving room below.
            int best = Math.min(t, steps - 1);
            while (best > i && lambda(s, best - 1) <= target) {
                best--;
            }
            if (best > i && Math.abs(lambda(s, best - 1) - target) < Math.abs(lambda(s, best) - target)) {
                best--;
            }
            out[count - 1 - i] = best;
            t = best - 1;
        }
        java.util.Arrays.sort(out);
        return out;
    }

    private static double lambda(Schedule s, int t) {
        return 0.5 * s.logSnr(t);
    }
}
