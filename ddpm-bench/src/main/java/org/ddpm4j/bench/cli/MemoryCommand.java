package org.ddpm4j.bench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.ddpm4j.bench.compare.PyTorchPeer;
import org.ddpm4j.bench.unet.UNetCase;
import org.ddpm4j.bench.unet.UNetWorkload;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Backends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ddpm bench memory}: the memory a U-Net training step holds, beside PyTorch's. Ours is what the step keeps
 * live: the heap after a full collection, less the heap before the model was built, plus the growth of the JVM's
 * off-heap buffer pools. The workspaces are allocated once and reused, so this is the step's peak working set.
 * PyTorch's is the growth of its peak RSS while it builds the same case and runs it (its allocator keeps freed
 * memory mapped, so the peak counts every transient tensor).
 */
@Command(name = "memory", mixinStandardHelpOptions = true,
        description = "Memory of a U-Net training step (live heap and off-heap growth) beside PyTorch's peak RSS growth.")
public final class MemoryCommand implements Callable<Integer> {
    private static final double MIB = 1024.0 * 1024.0;

    @Option(names = "--channels", description = "U-Net base channels (default: ${DEFAULT-VALUE})")
    int channels = 64;

    @Option(names = "--batch", description = "batch size (default: ${DEFAULT-VALUE})")
    int batch = 64;

    @Option(names = "--steps", description = "training steps each side runs before it is measured (default: ${DEFAULT-VALUE})")
    int steps = 2;

    @Option(names = "--threads", description = "worker threads of each side (default: ${DEFAULT-VALUE})")
    int threads = 2;

    @Mixin
    PeerOptions peerOptions;

    @Option(names = "--out", description = "write the measurements to this JSON file")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        OptionChecks checks = new OptionChecks(spec.commandLine()).channels("--channels", channels)
                .atLeast("--batch", batch, 1).atLeast("--steps", steps, 1).atLeast("--threads", threads, 1)
                .writableFile("--out", out);
        peerOptions.check(checks);
        UNetCase c = UNetCase.training(channels, batch);
        double ours = oursMib(c);
        JsonNode peer;
        JsonNode description;
        try (PyTorchPeer p = peerOptions.start(threads)) {
            description = p.description();
            peer = p.peakRssGrowth("unet", c.mode(), c.peerDims(), steps);
        }
        double theirs = peer.path("growth_mb").asDouble();
        String collector = collector();
        System.out.printf("%s, %d thread(s), after %d step(s), collector %s:%n", c.name(), threads, steps, collector);
        System.out.printf("  ddpm4j   live heap + off-heap growth  %8.1f MiB%n", ours);
        System.out.printf("  PyTorch  peak RSS growth              %8.1f MiB (RSS %.1f -> peak %.1f)%n", theirs,
                peer.path("baseline_mb").asDouble(), peer.path("peak_mb").asDouble());
        System.out.printf("  ours / PyTorch's                      %8.2f%n", ours / theirs);
        if (out != null) {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("case", c.name());
            record.put("threads", threads);
            record.put("steps", steps);
            record.put("collector", collector);
            record.put("ddpm4j_mib", ours);
            record.put("pytorch", peer);
            record.put("ratio", ours / theirs);
            record.put("peer", description);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), record);
            System.out.println("wrote " + out);
        }
        return 0;
    }

    /** Live heap and off-heap growth from before the model is built to after {@code steps} training steps. */
    private double oursMib(UNetCase c) {
        long before = liveBytes();
        Backend be = Backends.create("simd", threads);
        try {
            UNetWorkload workload = new UNetWorkload(be, c);
            for (int i = 0; i < steps; i++) {
                workload.run();
            }
            long after = liveBytes();
            // The workload must stay reachable until it is measured.
            java.lang.ref.Reference.reachabilityFence(workload);
            return (after - before) / MIB;
        } finally {
            be.shutdown();
        }
    }

    /**
     * The JVM's garbage collectors, by name: the live heap depends on them (G1 rounds every array of half a region or
     * more up to whole regions; the launcher's default, Parallel, does not).
     */
    private static String collector() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                .collect(Collectors.joining(" + "));
    }

    private static long liveBytes() {
        System.gc();
        System.gc();
        long bytes = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            bytes += pool.getMemoryUsed();
        }
        return bytes;
    }
}
