package org.ddpm4j.bench.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.ddpm4j.bench.JmhRunner;
import org.ddpm4j.bench.kernels.KernelBenchmark;
import org.ddpm4j.bench.kernels.KernelCase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ddpm bench kernels}: conv, GroupNorm and attention cases of the PyTorch script, timed with JMH. */
@Command(name = "kernels", mixinStandardHelpOptions = true,
        description = "Time the engine's conv, GroupNorm and attention kernels (the PyTorch script's cases).")
public final class KernelsCommand implements Callable<Integer> {

    @Mixin
    BenchOptions options;

    @Option(names = "--sections", split = ",", description = "subset of conv,gn,attn (default: all)")
    List<String> sections = List.of("conv", "gn", "attn");

    @Override
    public Integer call() throws Exception {
        List<KernelCase> cases = new ArrayList<>();
        for (String s : sections) {
            cases.addAll(KernelCase.section(s.trim()));
        }
        BenchSession.run(options, String.join(",", sections), List.of(), KernelBenchmark.class, "kernel",
                cases.stream().map(KernelCase::key).toList(), key -> {
                    KernelCase c = KernelCase.byKey(key);
                    return new JmhRunner.CaseInfo(c.section(), c.name(), c.mode(), c.gflop(), c.gbytes());
                }, false);
        return 0;
    }
}
