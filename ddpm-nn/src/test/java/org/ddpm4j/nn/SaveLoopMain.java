package org.ddpm4j.nn;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.ddpm4j.nn.io.SafeTensors;
import org.ddpm4j.tensor.Tensor;

/** Saves {@code args[0]} over and over, each time a tensor filled with the save's number, until killed. */
public final class SaveLoopMain {
    /** Large enough that a save takes a while, so that a kill lands inside one. */
    static final int VALUES = 1 << 20;

    private SaveLoopMain() {
    }

    public static void main(String[] args) throws Exception {
        Path target = Path.of(args[0]);
        float[] values = new float[VALUES];
        for (int step = 1; ; step++) {
            Arrays.fill(values, step);
            SafeTensors.write(target, Map.of("w", Tensor.of(values, VALUES)), Map.of("step", Integer.toString(step)));
            System.out.println("saved " + step);
        }
    }
}
