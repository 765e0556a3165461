package org.ddpm4j.bench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.ddpm4j.bench.BenchRecord;
import org.ddpm4j.bench.JmhRunner;
import org.ddpm4j.bench.JmhTable;
import org.ddpm4j.bench.compare.ComparedCase;
import org.ddpm4j.bench.compare.ComparisonRecord;
import org.ddpm4j.bench.compare.ComparisonTable;
import org.ddpm4j.bench.compare.InterleavedComparison;
import org.ddpm4j.bench.compare.PyTorchPeer;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Backends;

/** One benchmark run: our JMH forks alone, or ours and PyTorch's interleaved; prints the table, writes the JSON. */
final class BenchSession {
    private BenchSession() {
    }

    static List<BenchRecord> run(BenchOptions o, Class<?> benchmark, String param, List<String> keys,
                                 Function<String, JmhRunner.CaseInfo> describe, boolean gcProfiler) throws Exception {
        return run(o, o.settings(), benchmark, param, keys, describe, gcProfiler);
    }

    static List<BenchRecord> run(BenchOptions o, JmhRunner.Settings settings, Class<?> benchmark, String param,
                                 List<String> keys, Function<String, JmhRunner.CaseInfo> describe, boolean gcProfiler)
            throws Exception {
        System.out.println("== ddpm4j " + o.backend + " backend, " + o.threads + " thread(s), JMH " + settings);
        List<BenchRecord> records = new JmhRunner(settings, o.backend, o.threads, gcProfiler)
                .run(benchmark, param, keys, describe);
        records = JmhRunner.inOrder(records, keys);
        System.out.println();
        JmhTable.print(records, System.out);
        write(o, Map.of("records", records));
        return records;
    }

    /**
     * Times {@code cases} on our backend and on the PyTorch peer in alternating rounds. Refuses a peer on netlib's
     * reference BLAS: its bmm and linear are 10–20× slow, so ratios against it would be void.
     *
     * @param cases builds each case's workload on the backend it is given
     */
    static List<ComparisonRecord> compare(BenchOptions o, Function<Backend, List<ComparedCase>> cases) throws Exception {
        Backend be = Backends.create(o.backend, o.threads);
        try (PyTorchPeer peer = o.peer.start(o.threads)) {
            System.out.println("== PyTorch peer: " + peer.description());
            if (!peer.hasOptimisedBlas()) {
                throw new IllegalArgumentException("--python " + o.peer.python + ": PyTorch loaded no optimised BLAS ("
                        + peer.description().path("blas_libraries") + "); on netlib's reference BLAS its bmm is "
                        + "10-20x slow and the ratios would be void. Install one: apt-get install libopenblas0-openmp");
            }
            InterleavedComparison.Settings settings = o.comparisonSettings();
            System.out.println("== ddpm4j " + be.describe() + ", " + o.threads + " thread(s); " + settings);
            ComparisonTable.printHeader(System.out);
            List<ComparisonRecord> records = new InterleavedComparison(settings, peer, o.threads, o.backend)
                    .run(cases.apply(be), r -> ComparisonTable.printRow(r, System.out));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("peer", peer.description());
            out.put("settings", settings);
            out.put("records", records);
            write(o, out);
            return records;
        } finally {
            be.shutdown();
        }
    }

    private static void write(BenchOptions o, Map<String, ?> content) throws java.io.IOException {
        if (o.out != null) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(o.out.toFile(), content);
            System.out.println("wrote " + o.out);
        }
        if (o.json) {
            System.out.println(new ObjectMapper().writeValueAsString(content));
        }
    }
}
