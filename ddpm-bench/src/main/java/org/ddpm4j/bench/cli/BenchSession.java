package org.ddpm4j.bench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.ddpm4j.bench.BenchRecord;
import org.ddpm4j.bench.JmhRunner;
import org.ddpm4j.bench.PyTorchBaseline;
import org.ddpm4j.bench.RatioTable;

/** One benchmark run: PyTorch first when asked, then our JMH forks, then the table and the JSON file; returns the records. */
final class BenchSession {
    private BenchSession() {
    }

    /** PyTorch's time for the same work as one of our records, from the script's medians (null: no counterpart). */
    @FunctionalInterface
    interface PyTorchMatch {
        /** The script times the same case under the same key. */
        PyTorchMatch SAME_KEY = (record, torch) -> torch.get(record.key());

        Double timeMs(BenchRecord record, Map<String, Double> torchMedians);
    }

    static List<BenchRecord> run(BenchOptions o, String pytorchSections, List<String> pytorchArgs, Class<?> benchmark, String param,
                   List<String> keys, Function<String, JmhRunner.CaseInfo> describe, boolean gcProfiler) throws Exception {
        return run(o, o.settings(), pytorchSections, pytorchArgs, benchmark, param, keys, describe, gcProfiler,
                PyTorchMatch.SAME_KEY);
    }

    static List<BenchRecord> run(BenchOptions o, JmhRunner.Settings settings, String pytorchSections, List<String> pytorchArgs,
                   Class<?> benchmark, String param, List<String> keys, Function<String, JmhRunner.CaseInfo> describe,
                   boolean gcProfiler, PyTorchMatch match) throws Exception {
        Map<String, Double> torch = null;
        if (o.comparePyTorch) {
            System.out.println("== PyTorch baseline (" + o.pytorchScript + "), " + o.threads + " thread(s)");
            torch = new PyTorchBaseline(o.pytorchScript, o.python).run(o.threads, pytorchSections, o.quick, pytorchArgs);
        }
        System.out.println("== ddpm4j " + o.backend + " backend, " + o.threads + " thread(s), JMH " + settings);
        List<BenchRecord> records = new JmhRunner(settings, o.backend, o.threads, gcProfiler)
                .run(benchmark, param, keys, describe);
        records = JmhRunner.inOrder(records, keys);
        if (torch != null) {
            List<BenchRecord> compared = new ArrayList<>();
            for (BenchRecord r : records) {
                Double t = match.timeMs(r, torch);
                compared.add(t == null ? r : r.withPyTorch(t));
            }
            records = compared;
        }
        System.out.println();
        RatioTable.print(records, System.out);
        if (o.out != null) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(o.out.toFile(), records);
            System.out.println("wrote " + o.out);
        }
        if (o.json) {
            System.out.println(new ObjectMapper().writeValueAsString(Map.of("records", records)));
        }
        return records;
    }
}
