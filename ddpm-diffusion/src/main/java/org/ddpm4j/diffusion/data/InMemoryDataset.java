package org.ddpm4j.diffusion.data;

/** Samples held in one float array, with optional integer labels. */
public final class InMemoryDataset implements Dataset {
    private final float[] data;
    private final int[] sampleShape;
    private final int sampleSize;
    private final int[] labels;
    private final int numClasses;

    /**
     * @param labels one label per sample in [0, numClasses), or null
     */
    public InMemoryDataset(float[] data, int[] sampleShape, int[] labels, int numClasses) {
        int size = 1;
        for (int d : sampleShape) {
            size *= d;
        }
        if (size == 0 || data.length % size != 0) {
            throw new IllegalArgumentException("dataset: " + data.length + " values do not split into samples of shape "
                    + java.util.Arrays.toString(sampleShape));
        }
        int n = data.length / size;
        if (labels != null && labels.length != n) {
            throw new IllegalArgumentException("dataset: " + labels.length + " labels for " + n + " samples");
        }
        this.data = data;
        this.sampleShape = sampleShape.clone();
        this.sampleSize = size;
        this.labels = labels;
        this.numClasses = labels == null ? 0 : numClasses;
    }

    @Override
    public int size() {
        return data.length / sampleSize;
    }

    @Override
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    @Override
    public void copySample(int index, float[] dst, int offset) {
        System.arraycopy(data, index * sampleSize, dst, offset, sampleSize);
    }

    @Override
    public int label(int index) {
        return labels == null ? -1 : labels[index];
    }

    @Override
    public int numClasses() {
        return numClasses;
    }
}
