package org.ddpm4j.bench.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The PyTorch side of a comparison: {@code pytorch_peer.py} in a child process that builds and times one case at a
 * time on request (one JSON line each way), so that the two sides can alternate round by round.
 *
 * <p>The child gets the same thread count (torch's intra-op threads and OpenMP's) and glibc's malloc set to keep
 * freed memory mapped: with glibc's defaults every large tensor PyTorch allocates is a fresh mapping whose pages
 * fault on first touch, which would handicap the peer on memory-light cases; our side allocates its buffers once.
 */
public final class PyTorchPeer implements AutoCloseable {
    /** glibc tunables: no mmap for large blocks, never trim the heap. */
    static final String KEEP_FREED_MEMORY = "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736";

    private final ObjectMapper json = new ObjectMapper();
    private final Process process;
    private final BufferedReader in;
    private final Writer out;
    private final JsonNode description;

    private PyTorchPeer(Process process) throws IOException {
        this.process = process;
        this.in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.out = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.description = readReply("start");
    }

    /** Starts the peer with {@code threads} threads; its stderr goes to this process's. */
    public static PyTorchPeer start(String python, Path script, int threads) throws IOException {
        if (!Files.isRegularFile(script)) {
            throw new IllegalArgumentException("--pytorch-script: " + script + " is not a file");
        }
        ProcessBuilder pb = new ProcessBuilder(python, script.toString(), "--threads", Integer.toString(threads))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        Map<String, String> env = pb.environment();
        for (String v : List.of("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")) {
            env.put(v, Integer.toString(threads));
        }
        env.put("GLIBC_TUNABLES", KEEP_FREED_MEMORY);
        try {
            return new PyTorchPeer(pb.start());
        } catch (IOException e) {
            throw new IOException("cannot start the PyTorch peer with --python " + python + ": " + e.getMessage(), e);
        }
    }

    /** What the peer said of itself: torch version, threads, the BLAS libraries mapped, whether that BLAS is optimised. */
    public JsonNode description() {
        return description;
    }

    /** The peer runs on an optimised BLAS (OpenBLAS, MKL, BLIS), not netlib's reference one. */
    public boolean hasOptimisedBlas() {
        return description.path("blas_optimised").asBoolean(false);
    }

    /** Builds the case on the peer (its tensors, module and optimiser), replacing the previous one. */
    public void setup(ComparedCase c) throws IOException {
        ObjectNode request = json.createObjectNode().put("op", "setup").put("section", c.section())
                .put("mode", c.mode());
        var dims = request.putArray("dims");
        for (int d : c.peerDims()) {
            dims.add(d);
        }
        send(request);
        readReply("setup of " + c.key());
    }

    /** Runs the current case {@code calls} times and returns each call's wall time in ms. */
    public double[] time(int calls) throws IOException {
        send(json.createObjectNode().put("op", "time").put("calls", calls));
        JsonNode ms = readReply("timing").path("ms");
        double[] values = new double[ms.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = ms.get(i).asDouble();
        }
        return values;
    }

    /**
     * The peer's peak RSS growth, in MiB, while it builds a case afresh and runs it {@code calls} times (its reply
     * also holds the RSS before and the peak).
     */
    public JsonNode peakRssGrowth(String section, String mode, int[] dims, int calls) throws IOException {
        ObjectNode request = json.createObjectNode().put("op", "memory").put("section", section).put("mode", mode)
                .put("calls", calls);
        var array = request.putArray("dims");
        for (int d : dims) {
            array.add(d);
        }
        send(request);
        return readReply("memory of " + section + " " + mode);
    }

    private void send(ObjectNode request) throws IOException {
        out.write(json.writeValueAsString(request));
        out.write('\n');
        out.flush();
    }

    private JsonNode readReply(String what) throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IOException("the PyTorch peer exited during " + what + " (its errors are above)");
        }
        JsonNode reply = json.readTree(line);
        if (reply.has("error")) {
            throw new IOException("the PyTorch peer failed during " + what + ": " + reply.get("error").asText());
        }
        return reply;
    }

    @Override
    public void close() throws IOException {
        try {
            send(json.createObjectNode().put("op", "quit"));
        } catch (IOException ignored) {
            // Already gone: nothing to stop.
        }
        process.destroy();
    }
}
