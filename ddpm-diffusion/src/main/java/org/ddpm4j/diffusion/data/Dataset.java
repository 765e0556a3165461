package org.ddpm4j.diffusion.data;

import org.ddpm4j.tensor.Tensor;

/** A finite set of equally shaped samples, optionally labelled. */
public interface Dataset {

    /** The number of samples. */
    int size();

    /** Shape of one sample, e.g. {@code [1, 32, 32]} or {@code [2]}. */
    int[] sampleShape();

    /** Copies sample {@code index} into {@code dst} at {@code offset}. */
    void copySample(int index, float[] dst, int offset);

    /** The class of sample {@code index}, or −1 for unlabelled data. */
    default int label(int index) {
        return -1;
    }

    /** Number of classes, 0 for unlabelled data. */
    default int numClasses() {
        return 0;
    }

    /** Elements per sample. */
    default int sampleSize() {
        int n = 1;
        for (int d : sampleShape()) {
            n *= d;
        }
        return n;
    }

    /** The samples at {@code indices} as one batch tensor {@code [B, sampleShape...]}. */
    default Tensor batch(int[] indices) {
        int[] shape = new int[sampleShape().length + 1];
        shape[0] = indices.length;
        System.arraycopy(sampleShape(), 0, shape, 1, sampleShape().length);
        float[] values = new float[Math.toIntExact((long) indices.length * sampleSize())];
        for (int i = 0; i < indices.length; i++) {
            copySample(indices[i], values, i * sampleSize());
        }
        return Tensor.of(values, shape);
    }

    /** The first {@code min(n, size())} samples as one batch, e.g. the test images a metric compares with. */
    default Tensor first(int n) {
        return batch(java.util.stream.IntStream.range(0, Math.min(n, size())).toArray());
    }

    /** All samples as one tensor. */
    default Tensor all() {
        return batch(java.util.stream.IntStream.range(0, size()).toArray());
    }
}
