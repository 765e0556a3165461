package org.ddpm4j.tensor.opencl;

import java.util.Locale;

/**
 * Which kernel runs a product: {@link WideTileGemmKernel} (64×64 per group) where its groups still fill the device,
 * else {@link ImplicitGemmKernel} (32×32). The wide kernel stages and indexes half as much per multiply-add but makes
 * a quarter as many groups, and a device with idle compute units is slower however little each group stages.
 * {@value #PROPERTY} ({@code auto}, {@code narrow} or {@code wide}) fixes the choice, to compare the two on a device.
 */
enum GemmTiles {
    AUTO, NARROW, WIDE;

    /** The system property that fixes the choice. */
    static final String PROPERTY = "ddpm.opencl.tiles";
    /** Work groups wanted per compute unit: enough to hide each group's waits on memory behind the others'. */
    static final int GROUPS_PER_COMPUTE_UNIT = 4;

    /** The choice the system property names, {@link #AUTO} when it is not set. */
    static GemmTiles fromProperty() {
        String value = System.getProperty(PROPERTY, "auto");
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("system property " + PROPERTY + " must be auto, narrow or wide but was '"
                    + value + "'", e);
        }
    }

    /**
     * Whether an m×n product over {@code batch} entries runs on the wide kernel on a device of {@code computeUnits}:
     * under {@link #AUTO}, when neither side is narrower than a wide tile (else most of a tile would be padding) and
     * the wide tiles make {@value #GROUPS_PER_COMPUTE_UNIT} groups per compute unit.
     */
    boolean wide(int m, int n, int batch, int computeUnits) {
        return switch (this) {
            case NARROW -> false;
            case WIDE -> true;
            case AUTO -> {
                int t = WideTileGemmKernel.WIDE_TILE;
                long groups = (long) batch * ((m + t - 1) / t) * ((n + t - 1) / t);
                yield fullTiles(m, n) && groups >= (long) GROUPS_PER_COMPUTE_UNIT * Math.max(1, computeUnits);
            }
        };
    }

    /**
     * Whether an m×n product cut along its depth ({@link WeightGradientSplit}) runs on the wide kernel: the cut makes
     * the groups the device needs, so under {@link #AUTO} whenever neither side is narrower than a wide tile.
     */
    boolean wideWhenCut(int m, int n) {
        return this == WIDE || this == AUTO && fullTiles(m, n);
    }

    /** Neither side of an m×n product is narrower than a wide tile, so no tile is mostly padding. */
    private static boolean fullTiles(int m, int n) {
        return m >= WideTileGemmKernel.WIDE_TILE && n >= WideTileGemmKernel.WIDE_TILE;
    }
}
