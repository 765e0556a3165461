package org.ddpm4j.tensor.opencl;

/**
 * Bytes an {@link OpenClBackend} has copied host→device and device→host since it started. Subtract two snapshots
 * to get the traffic of one training or sampling step.
 */
public record Transfers(long bytesToDevice, long bytesToHost) {

    /** The traffic between {@code earlier} and this snapshot. */
    public Transfers since(Transfers earlier) {
        return new Transfers(bytesToDevice - earlier.bytesToDevice, bytesToHost - earlier.bytesToHost);
    }

    public long totalBytes() {
        return bytesToDevice + bytesToHost;
    }
}
