package org.ddpm4j.bench.compare;

import java.util.Arrays;
import java.util.List;

/** Medians of timings and ratios. */
public final class Medians {
    private Medians() {
    }

    public static double of(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    public static double of(List<Double> values) {
        return of(values.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
