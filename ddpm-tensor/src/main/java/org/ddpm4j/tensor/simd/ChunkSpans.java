package org.ddpm4j.tensor.simd;

import java.util.ArrayList;
import java.util.List;

/**
 * The chunk times of a run's parallel ranges, timed one after another on one core by a backend from
 * {@link SimdBackend#serialisingChunks}: it splits each range as its thread count would, then runs the chunks in turn.
 * One thread takes a range's work (the sum of its chunks); with a core per chunk and nothing shared, the range would
 * take its span (its longest chunk). A run timed on one core, less its ranges' work, plus their spans, is then the
 * least it can take at that thread count: the work–span bound (Brent), before hand-offs, shared caches and memory
 * bandwidth take their share.
 *
 * <p>Every range's times are kept, in the order the ranges ran, so that repeated steps can be matched range by range;
 * whoever reads them {@link #clear}s them (the backend's warm-up at construction adds some too). Two threads may call
 * the backend at once; their ranges then interleave here.
 */
public final class ChunkSpans {
    private final List<long[]> ranges = new ArrayList<>();

    /** One range's chunk times, in nanoseconds, in chunk order. */
    synchronized void add(long[] chunkNanos) {
        ranges.add(chunkNanos);
    }

    /** How many ranges have run since the last {@link #clear}. */
    public synchronized int count() {
        return ranges.size();
    }

    /** Each range's chunk times (ns, in chunk order) since the last {@link #clear}, in the order they ran: a copy. */
    public synchronized List<long[]> ranges() {
        return List.copyOf(ranges);
    }

    /** Forgets the ranges run so far. */
    public synchronized void clear() {
        ranges.clear();
    }
}
