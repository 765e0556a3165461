package org.ddpm4j.tensor;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs the element-wise and normalisation ops of the SIMD backend, and its convolution to three channels, until the
 * JIT has compiled them, and prints for each the fewest bytes the JVM allocated per call over a round of calls:
 * {@link VectorBoxingTest} reads them. A vector value that C2 cannot keep in a register (a call it did not inline,
 * with vectors as arguments or result) is boxed on the heap, once per vector of the loop; that costs far more than
 * the arithmetic, and no output shows it.
 */
public final class VectorBoxingProbe {
    /** Calls per round: allocation is measured over a round. */
    private static final int CALLS_PER_ROUND = 20;
    /**
     * Rounds the JIT gets: compilation happens in the background, so the first rounds run interpreted or in C1, and the
     * tasks' long loops over their groups are also compiled on stack (OSR), with inlining decisions of their own.
     */
    private static final int ROUNDS = 30;
    private static final int GROUPS = 32;
    private static final float EPS = 1e-5f;

    private VectorBoxingProbe() {
    }

    /** Args: batch, channels, side (the ops' [batch, channels, side, side] tensors), threads. */
    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]), c = Integer.parseInt(args[1]), side = Integer.parseInt(args[2]);
        Backend be = Backends.create("simd", Integer.parseInt(args[3]));
        RandomTensors r = new RandomTensors(3);
        Tensor x = r.normal(n, c, side, side), dy = r.normal(n, c, side, side), gamma = r.normal(c),
                beta = r.normal(c);
        Tensor y = Tensor.zeros(n, c, side, side), dx = Tensor.zeros(n, c, side, side), work = Tensor.zeros(n, c,
                side, side);
        Tensor mean = Tensor.zeros(n, GROUPS), rstd = Tensor.zeros(n, GROUPS), dgamma = Tensor.zeros(c),
                dbeta = Tensor.zeros(c);
        Map<String, Runnable> ops = new LinkedHashMap<>();
        // In the U-Net's order: a residual block's GroupNorm+SiLU comes before the attention block's plain GroupNorm
        // (the two share a loop, and what C2 inlines depends on which it sees first).
        ops.put("groupNormSilu", () -> be.groupNormSilu(x, gamma, beta, GROUPS, EPS, y, mean, rstd));
        ops.put("groupNorm", () -> be.groupNorm(x, gamma, beta, GROUPS, EPS, y, mean, rstd));
        ops.put("groupNormBackward", () -> be.groupNormBackward(x, gamma, mean, rstd, dy, GROUPS, dx, dgamma, dbeta));
        ops.put("groupNormSiluBackward", () -> be.groupNormSiluBackward(x, gamma, beta, GROUPS, EPS, mean, rstd, dy,
                dx, dgamma, dbeta, work));
        ops.put("silu", () -> be.silu(x, y));
        ops.put("siluBackward", () -> be.siluBackward(x, dy, dx));
        ops.put("softmax", () -> be.softmax(x, y));
        ops.put("add", () -> be.add(x, dy, y));
        // The U-Net's last layer on colour images: eight vector accumulators over all input channels.
        Tensor w3 = r.normal(3, c, 3, 3), b3 = r.normal(3), y3 = Tensor.zeros(n, 3, side, side);
        ops.put("conv2dToThreeChannels", () -> be.conv2d(x, w3, b3, Conv2dSpec.same3x3(), y3));
        for (Map.Entry<String, Runnable> op : ops.entrySet()) {
            System.out.println(op.getKey() + " " + fewestBytesPerCall(op.getValue()));
        }
        be.shutdown();
    }

    private static long fewestBytesPerCall(Runnable op) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long fewest = Long.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            long before = threads.getTotalThreadAllocatedBytes();
            for (int call = 0; call < CALLS_PER_ROUND; call++) {
                op.run();
            }
            fewest = Math.min(fewest, (threads.getTotalThreadAllocatedBytes() - before) / CALLS_PER_ROUND);
        }
        return fewest;
    }
}
