package org.ddpm4j.tensor.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.ScalarBackend;

/**
 * Every op of a backend, forward and backward, against the scalar reference on the same inputs, at the DDPM
 * U-Net's shapes and at odd ones that leave partial vectors and tiles. This is what {@code ddpm check} runs on a
 * machine without the test suite (a GPU host reaches no Maven): the largest errors per op, not a pass/fail alone,
 * so a vendor's OpenCL that is close but not within tolerance shows by how much.
 */
public final class BackendCheck {
    private final Backend reference = new ScalarBackend();
    private final long seed;

    /** @param seed the inputs' seed; each case derives its own from it */
    public BackendCheck(long seed) {
        this.seed = seed;
    }

    /** How many op cases a run compares. */
    public static int caseCount() {
        return OpCases.all().size();
    }

    /**
     * Runs every case on the reference and on {@code candidate} and compares each output.
     *
     * @param each called with every comparison as soon as it is made (a slow device shows progress)
     * @return every comparison, in the order made
     */
    public List<OpComparison> compare(Backend candidate, Consumer<OpComparison> each) {
        List<OpComparison> all = new ArrayList<>();
        List<OpCase> cases = OpCases.all();
        for (int i = 0; i < cases.size(); i++) {
            OpCase c = cases.get(i);
            long caseSeed = seed * 1_000_003L + i;
            Map<String, OpOutputs.Output> expected = c.run().on(reference, new CheckInputs(caseSeed)).all();
            Map<String, OpOutputs.Output> actual = c.run().on(candidate, new CheckInputs(caseSeed)).all();
            for (Map.Entry<String, OpOutputs.Output> e : expected.entrySet()) {
                OpOutputs.Output got = actual.get(e.getKey());
                OpComparison result = OpComparison.of(c.name(), e.getKey(), e.getValue().values(), got.values(),
                        e.getValue().tolerance());
                all.add(result);
                each.accept(result);
            }
        }
        return all;
    }
}
