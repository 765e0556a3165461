package org.ddpm4j.bench.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.ddpm4j.bench.JmhRunner;
import org.ddpm4j.bench.compare.ComparedCase;
import org.ddpm4j.bench.kernels.KernelBenchmark;
import org.ddpm4j.bench.kernels.KernelCase;
import org.ddpm4j.bench.kernels.KernelWorkload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ddpm bench kernels}: the conv, GroupNorm and attention cases, timed with JMH or beside PyTorch. */
@Command(name = "kernels", mixinStandardHelpOptions = true,
        description = "Time the engine's conv, GroupNorm and attention kernels (alone with JMH, or beside PyTorch).")
public final class KernelsCommand implements Callable<Integer> {

    @Mixin
    BenchOptions options;

    @Option(names = "--sections", split = ",", description = "subset of conv,convs,gn,attn (default: all)")
    List<String> sections = List.of("conv", "convs", "gn", "attn");

    @Option(names = "--cases", split = ",", description = "only the cases whose names hold one of these, e.g. "
            + "'128->3' (default: every case of the sections)")
    List<String> only = List.of();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        check(new OptionChecks(spec.commandLine()));
        List<KernelCase> cases = new ArrayList<>();
        for (String s : sections) {
            KernelCase.section(s.trim()).stream().filter(this::selected).forEach(cases::add);
        }
        if (cases.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--cases " + only + ": no case of the sections "
                    + sections + " has one of these in its name");
        }
        if (options.comparePyTorch) {
            BenchSession.compare(options, be -> cases.stream().map(c -> new ComparedCase(c.section(), c.name(),
                    c.mode(), c.dims(), c.gflop(), c.gbytes(), () -> new KernelWorkload(be, c)::run)).toList());
            return 0;
        }
        BenchSession.run(options, KernelBenchmark.class, "kernel", cases.stream().map(KernelCase::key).toList(), key -> {
            KernelCase c = KernelCase.byKey(key);
            return new JmhRunner.CaseInfo(c.section(), c.name(), c.mode(), c.gflop(), c.gbytes());
        }, false);
        return 0;
    }

    private boolean selected(KernelCase c) {
        return only.isEmpty() || only.stream().anyMatch(c.name()::contains);
    }

    /** Every option, before any work starts. */
    private void check(OptionChecks checks) {
        options.check(checks);
        for (String s : sections) {
            checks.require(List.of("conv", "convs", "gn", "attn").contains(s.trim()), "--sections: unknown section '"
                    + s + "' (expected conv, convs, gn or attn)");
        }
    }
}
