package org.ddpm4j.diffusion.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.data.InMemoryDataset;
import org.ddpm4j.diffusion.train.ShardedDataset;

/**
 * One worker's shard of the training set as it travels to the worker: its samples and labels, copied once when
 * training starts and cached there by Spark.
 *
 * @param shape      one sample's shape
 * @param samples    the shard's samples, one after the other
 * @param labels     their classes (−1 for unlabelled data)
 * @param numClasses the data set's number of classes
 */
record ShardData(int[] shape, float[] samples, int[] labels, int numClasses) implements Serializable {

    /** Shard {@code rank} of {@code count} of {@code data}, as {@link ShardedDataset} defines it. */
    static ShardData of(Dataset data, int rank, int count) {
        ShardedDataset shard = new ShardedDataset(data, rank, count);
        int n = shard.size(), per = shard.sampleSize();
        float[] samples = new float[Math.multiplyExact(n, per)];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            shard.copySample(i, samples, i * per);
            labels[i] = shard.label(i);
        }
        return new ShardData(shard.sampleShape(), samples, labels, shard.numClasses());
    }

    /** All {@code count} shards of {@code data}, in rank order. */
    static List<ShardData> split(Dataset data, int count) {
        List<ShardData> shards = new ArrayList<>(count);
        for (int rank = 0; rank < count; rank++) {
            shards.add(of(data, rank, count));
        }
        return shards;
    }

    /** The shard as a data set, indexed from 0. */
    Dataset dataset() {
        return new InMemoryDataset(samples, shape, numClasses == 0 ? null : labels, numClasses);
    }
}
