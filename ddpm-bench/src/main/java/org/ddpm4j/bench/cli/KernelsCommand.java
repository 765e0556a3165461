package org.ddpm4j.bench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ddpm4j.bench.BenchRecord;
import org.ddpm4j.bench.JmhRunner;
import org.ddpm4j.bench.PyTorchBaseline;
import org.ddpm4j.bench.RatioTable;
import org.ddpm4j.bench.kernels.KernelBenchmark;
import org.ddpm4j.bench.kernels.KernelCase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ddpm bench kernels}: conv, GroupNorm and attention cases of the PyTorch script, timed with JMH. */
@Command(name = "kernels", mixinStandardHelpOptions = true,
        description = "Time the engine's conv, GroupNorm and attention kernels (the PyTorch script's cases).")
public final class KernelsCommand implements Callable<Integer> {

    @Option(names = "--threads", description = "worker threads of the backend (default: ${DEFAULT-VALUE})")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--backend", description = "simd or scalar (default: ${DEFAULT-VALUE})")
    String backend = "simd";

    @Option(names = "--sections", split = ",", description = "subset of conv,gn,attn (default: all)")
    List<String> sections = List.of("conv", "gn", "attn");

    @Option(names = "--json", description = "write the records to this JSON file")
    Path json;

    @Option(names = "--compare-pytorch", description = "also run the PyTorch script and print the ratio table")
    boolean comparePyTorch;

    @Option(names = "--pytorch-script", description = "path of pytorch_baseline.py (default: ${DEFAULT-VALUE})")
    Path pytorchScript = BenchDefaults.pytorchScript();

    @Option(names = "--python", description = "interpreter for the PyTorch script (default: ${DEFAULT-VALUE})")
    String python = "/usr/bin/python3";

    @Option(names = "--forks", description = "JMH forks per case (default: ${DEFAULT-VALUE})")
    int forks = 3;

    @Option(names = "--warmup", description = "warmup iterations per fork (default: ${DEFAULT-VALUE})")
    int warmup = 3;

    @Option(names = "--iterations", description = "measured iterations per fork (default: ${DEFAULT-VALUE})")
    int iterations = 5;

    @Option(names = "--iteration-seconds", description = "length of one iteration (default: ${DEFAULT-VALUE})")
    double iterationSeconds = 1.0;

    @Option(names = "--quick", description = "smoke run: 1 fork, 1 warmup, 2 short iterations (and PyTorch --quick)")
    boolean quick;

    @Override
    public Integer call() throws Exception {
        List<KernelCase> cases = new ArrayList<>();
        for (String s : sections) {
            cases.addAll(KernelCase.section(s.trim()));
        }
        List<String> keys = cases.stream().map(KernelCase::key).toList();
        Map<String, Double> torch = null;
        if (comparePyTorch) {
            System.out.println("== PyTorch baseline (" + pytorchScript + "), " + threads + " thread(s)");
            torch = new PyTorchBaseline(pytorchScript, python).run(threads, String.join(",", sections), quick, List.of());
        }
        JmhRunner.Settings settings = quick ? JmhRunner.Settings.quick()
                : new JmhRunner.Settings(forks, warmup, iterations, iterationSeconds);
        System.out.println("== ddpm4j " + backend + " backend, " + threads + " thread(s), JMH " + settings);
        List<BenchRecord> records = new JmhRunner(settings, backend, threads).run(KernelBenchmark.class, "kernel", keys,
                key -> {
                    KernelCase c = KernelCase.byKey(key);
                    return new JmhRunner.CaseInfo(c.section(), c.name(), c.mode(), c.gflop(), c.gbytes());
                });
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
        if (json != null) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), records);
            System.out.println("wrote " + json);
        }
        return 0;
    }
}
