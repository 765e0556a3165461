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

/** One benchmark run: PyTorch first when asked, then our JMH forks, then the table and the JSON file. */
final class BenchSession {
    private BenchSession() {
    }

    static int run(BenchOptions o, String pytorchSections, List<String> pytorchArgs, Class<?> benchmark, String param,
                   List<String> keys, Function<String, JmhRunner.CaseInfo> describe, boolean gcProfiler) throws Exception {
        Map<String, Double> torch = null;
        if (o.comparePyTorch) {
            System.out.println("== PyTorch baseline (" + o.pytorchScript + "), " + o.threads + " thread(s)");
            torch = new PyTorchBaseline(o.pytorchScript, o.python).run(o.threads, pytorchSections, o.quick, pytorchArgs);
        }
        System.out.println("== ddpm4j " + o.backend + " backend, " + o.threads + " thread(s), JMH " + o.settings());
        List<BenchRecord> records = new JmhRunner(o.settings(), o.backend, o.threads, gcProfiler)
                .run(benchmark, param, keys, describe);
        records = JmhRunner.inOrder(records, keys);
        if (torch != null) {
            List<BenchRecord> compared = new ArrayList<>();
            for (BenchRecord r : records) {
                Double t = torch.get(r.key());
                compared.add(t == null ? r : r.withPyTorch(t));
            }
            records = compared;
        }
        System.out.println();
        RatioTable.print(records, System.out);
        if (o.json != null) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(o.json.toFile(), records);
            System.out.println("wrote " + o.json);
        }
        return 0;
    }
}
