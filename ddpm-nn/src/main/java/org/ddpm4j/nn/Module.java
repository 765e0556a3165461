package org.ddpm4j.nn;

import java.util.List;

/** Anything with parameters: a layer, a block or a whole model. */
public interface Module {

    /** Every parameter, in a fixed order, with its full hierarchical name. */
    List<Parameter> parameters();

    /** Total number of scalar parameters. */
    default long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) {
            n += p.value().size();
        }
        return n;
    }

    default void zeroGrad() {
        for (Parameter p : parameters()) {
            p.zeroGrad();
        }
    }
}
