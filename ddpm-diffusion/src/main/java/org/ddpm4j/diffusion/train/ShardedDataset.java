package org.ddpm4j.diffusion.train;

import org.ddpm4j.diffusion.data.Dataset;

/**
 * Shard {@code rank} of {@code count} of a data set: the samples whose index is {@code rank} modulo {@code count}, in
 * order. Micro-batch k of a step draws from shard k, so a worker that holds only its shard draws the same samples as a
 * single process that holds them all.
 */
public final class ShardedDataset implements Dataset {
    private final Dataset all;
    private final int rank;
    private final int count;

    /**
     * @throws IllegalArgumentException when a shard would be empty or the rank is out of range
     */
    public ShardedDataset(Dataset all, int rank, int count) {
        if (rank < 0 || rank >= count || all.size() < count) {
            throw new IllegalArgumentException("shard " + rank + " of " + count + " of a data set of " + all.size()
                    + " samples: needs 0 <= rank < count <= samples");
        }
        this.all = all;
        this.rank = rank;
        this.count = count;
    }

    /** The index in the whole data set of this shard's sample {@code i}. */
    public int globalIndex(int i) {
        return rank + i * count;
    }

    @Override
    public int size() {
        return (all.size() - rank + count - 1) / count;
    }

    @Override
    public int[] sampleShape() {
        return all.sampleShape();
    }

    @Override
    public void copySample(int index, float[] dst, int offset) {
        all.copySample(globalIndex(index), dst, offset);
    }

    @Override
    public int label(int index) {
        return all.label(globalIndex(index));
    }

    @Override
    public int numClasses() {
        return all.numClasses();
    }
}
