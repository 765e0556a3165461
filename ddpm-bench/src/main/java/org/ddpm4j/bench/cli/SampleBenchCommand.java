package org.ddpm4j.bench.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ddpm4j.bench.BenchRecord;
import org.ddpm4j.bench.JmhRunner;
import org.ddpm4j.bench.compare.ComparedCase;
import org.ddpm4j.bench.compare.ComparisonRecord;
import org.ddpm4j.bench.unet.FlopCounter;
import org.ddpm4j.bench.unet.SampleBenchmark;
import org.ddpm4j.bench.unet.SampleCase;
import org.ddpm4j.bench.unet.SampleWorkload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ddpm bench sample}: complete ancestral sampling runs of the U-Net cases, timed single-shot with JMH (one run
 * per fork after a 10-step run that compiles the path), or beside the PyTorch peer's own sampling loop of the same
 * model, batch and chain.
 */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Time complete ancestral sampling runs (T steps) per image, alone or beside PyTorch's.")
public final class SampleBenchCommand implements Callable<Integer> {
    private static final int DEFAULT_FORKS = 2;

    @Mixin
    BenchOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--channels", split = ",", description = "U-Net base channels (default: ${DEFAULT-VALUE})")
    List<Integer> channels = List.of(32, 64);

    @Option(names = "--batch", description = "images per sampling run (default: ${DEFAULT-VALUE})")
    int batch = 8;

    @Option(names = "--steps", description = "steps T of the chain (default: ${DEFAULT-VALUE})")
    int steps = 1000;

    @Override
    public Integer call() throws Exception {
        check(new OptionChecks(spec.commandLine()));
        List<SampleCase> cases = new ArrayList<>();
        for (int ch : channels) {
            cases.add(new SampleCase(ch, batch, steps));
        }
        System.out.printf(Locale.ROOT, "per image (%d-step chain, batch %d):%n", steps, batch);
        if (options.comparePyTorch) {
            List<ComparisonRecord> records = BenchSession.compare(options, be -> cases.stream().map(c ->
                    new ComparedCase("sample", c.name(), c.mode(), new int[] {c.channels(), c.batch(), c.steps()},
                            gflop(c), Double.NaN, () -> new SampleWorkload(be, c)::run)).toList());
            for (ComparisonRecord r : records) {
                System.out.printf(Locale.ROOT, "  %-10s ours %8.2f s   PyTorch %8.2f s   ratio %.2fx (%.2f-%.2f)%n",
                        r.caseName(), r.medianMs() / batch / 1e3, r.pytorchMedianMs() / batch / 1e3, r.ratio(),
                        r.ratioMin(), r.ratioMax());
            }
            return 0;
        }
        boolean forksGiven = spec.commandLine().getParseResult().hasMatchedOption("--forks");
        JmhRunner.Settings settings = options.quick ? new JmhRunner.Settings(1, 0, 1, 0)
                : new JmhRunner.Settings(forksGiven ? options.forks : DEFAULT_FORKS, 0, 1, 0);
        List<BenchRecord> records = BenchSession.run(options, settings, SampleBenchmark.class, "sample",
                cases.stream().map(SampleCase::key).toList(), key -> {
                    SampleCase c = SampleCase.parse(key);
                    return new JmhRunner.CaseInfo("sample", c.name(), c.mode(), gflop(c), Double.NaN);
                }, false);
        for (BenchRecord r : records) {
            System.out.printf(Locale.ROOT, "  %-10s ours %8.2f s%n", r.caseName(), r.medianMs() / batch / 1e3);
        }
        return 0;
    }

    private static double gflop(SampleCase c) {
        return FlopCounter.forwardGflopPerImage(c.config()) * c.batch() * c.steps();
    }

    /** Every option, before any work starts. */
    private void check(OptionChecks checks) {
        options.check(checks);
        for (int c : channels) {
            checks.channels("--channels", c);
        }
        checks.atLeast("--batch", batch, 1).atLeast("--steps", steps, 1);
    }
}
