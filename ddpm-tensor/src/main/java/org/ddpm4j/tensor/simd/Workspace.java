package org.ddpm4j.tensor.simd;

/**
 * Per-thread scratch memory that grows to the largest request and is then reused, so steady-state ops allocate
 * nothing. A workspace never leaves the thread that owns it: a task takes it, uses it, and returns.
 */
final class Workspace {
    private static final ThreadLocal<Workspace> CURRENT = ThreadLocal.withInitial(Workspace::new);

    /**
     * Which of a thread's scratch arrays a caller wants; two slots used at once must differ. The {@code CALLER_}
     * slots belong to the thread that calls an op: they hold what the op shares read-only with its workers (packed
     * weights, a batch's transformed tiles) or collects from them (per-chunk partial sums), and are never touched by the
     * kernels themselves.
     */
    enum Slot {
        PACK_A, PACK_B, PACK_LINE, TILE, STAGING, COLUMN_GRADS, PHASE_PLANES, PHASE_GRADIENTS, PACKED_GRID, SCORES,
        WINOGRAD_GRIDS, WINOGRAD_STAGE, WINOGRAD_INPUT, WINOGRAD_PRODUCTS, WINOGRAD_LINES,
        WINOGRAD_BORDER, KERNEL_TAPS, NORM_GRADIENTS, PADDED_LINES,
        CALLER_PACKED_WEIGHTS, CALLER_FLIPPED_WEIGHTS, CALLER_TRANSFORMED_KERNELS, CALLER_PARTIALS,
        CALLER_KERNEL_GRADIENTS, CALLER_TRANSFORMED_TILES
    }

    private final float[][] buffers = new float[Slot.values().length][];

    static Workspace current() {
        return CURRENT.get();
    }

    /** An array of at least {@code size} floats for {@code slot}; its contents are unspecified. */
    float[] get(Slot slot, int size) {
        float[] b = buffers[slot.ordinal()];
        if (b == null || b.length < size) {
            b = new float[size];
            buffers[slot.ordinal()] = b;
        }
        return b;
    }
}
