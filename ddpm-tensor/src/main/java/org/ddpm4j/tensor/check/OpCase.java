package org.ddpm4j.tensor.check;

import org.ddpm4j.tensor.Backend;

/**
 * One op on one set of shapes: {@link #run} makes its inputs from the given {@link CheckInputs}, calls the op
 * (forward, then backward into accumulators that start non-zero, so {@code +=} is checked too) and returns what it
 * wrote.
 */
record OpCase(String name, Run run) {
    @FunctionalInterface
    interface Run {
        OpOutputs on(Backend backend, CheckInputs inputs);
    }
}
