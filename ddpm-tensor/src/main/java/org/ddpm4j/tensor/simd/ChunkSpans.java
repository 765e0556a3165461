package org.ddpm4j.tensor.simd;

import java.util.ArrayList;
import java.util.Collections;
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
 * whoever reads them {@link #clear}s them. Not synchronised: the backend's one calling thread adds to it, as a training
 * or sampling loop calls a backend.
 */
public final class ChunkSpans {
    private final List<long[]> ranges = new ArrayList<>();

    /** One range's chunk times, in nanoseconds, in chunk order. */
    void add(long[] chunkNanos) {
        ranges.add(chunkNanos);
    }

    /** How many ranges have run since the last {@link #clear}. */
    public int count() {
        return ranges.size();
    }

    /** Each range's chunk times (ns, in chunk order) since the last {@link #clear}, in the order they ran. */
    public List<long[]> ranges() {
        return Collections.unmodifiableList(ranges);
    }

    /** Forgets the ranges run so far. */
    public void clear() {
        ranges.clear();
    }
}
