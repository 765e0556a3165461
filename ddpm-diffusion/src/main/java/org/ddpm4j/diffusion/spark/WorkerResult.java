package org.ddpm4j.diffusion.spark;

import java.io.Serializable;
import org.ddpm4j.diffusion.train.GradientSum;

/**
 * What worker {@code rank} sends back for one step: the weighted sum of its micro-batches' gradients and losses, and
 * the checksum of the weights it computed them at.
 */
record WorkerResult(int rank, GradientSum gradients, long weightsChecksum) implements Serializable {
}
