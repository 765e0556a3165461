package org.ddpm4j.diffusion.spark;

import java.io.Serializable;

/**
 * What worker {@code rank} sends back for one step: its micro-batch's mean loss and gradient (flattened in parameter
 * order), and the checksum of the weights it computed them at.
 */
record WorkerResult(int rank, double loss, float[] gradient, long weightsChecksum) implements Serializable {
}
