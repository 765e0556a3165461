package org.ddpm4j.diffusion.sample;

/** Subsets of the training timesteps for faster sampling (Nichol &amp; Dhariwal's respacing). */
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
}
