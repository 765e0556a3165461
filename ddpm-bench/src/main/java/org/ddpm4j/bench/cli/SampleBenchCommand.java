package org.ddpm4j.bench.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.ddpm4j.bench.BenchRecord;
import org.ddpm4j.bench.JmhRunner;
import org.ddpm4j.bench.unet.FlopCounter;
import org.ddpm4j.bench.unet.SampleBenchmark;
import org.ddpm4j.bench.unet.SampleCase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ddpm bench sample}: complete ancestral sampling runs of the U-Net cases, timed single-shot, beside
 * PyTorch's no-grad forward of the same model and batch times the number of steps, from the same run. One run of
 * 1000 steps takes minutes on 2 cores, so each fork measures one run, after a 10-step run that compiles the path.
 */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Time complete ancestral sampling runs (T steps) per image, beside PyTorch's forward x T.")
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
        List<SampleCase> cases = new ArrayList<>();
        for (int ch : channels) {
            cases.add(new SampleCase(ch, batch, steps));
        }
        boolean forksGiven = spec.commandLine().getParseResult().hasMatchedOption("--forks");
        JmhRunner.Settings settings = options.quick ? new JmhRunner.Settings(1, 0, 1, 0)
                : new JmhRunner.Settings(forksGiven ? options.forks : DEFAULT_FORKS, 0, 1, 0);
        List<String> torchArgs = List.of("--unet-ch", String.join(",", channels.stream().map(String::valueOf).toList()),
                "--train-batches", "1", "--sample-batches", String.valueOf(batch));
        List<BenchRecord> records = BenchSession.run(options, settings, "unet", torchArgs, SampleBenchmark.class, "sample",
                cases.stream().map(SampleCase::key).toList(), key -> {
                    SampleCase c = SampleCase.parse(key);
                    double gflop = FlopCounter.forwardGflopPerImage(c.config()) * c.batch() * c.steps();
                    return new JmhRunner.CaseInfo("sample", c.name(), c.mode(), gflop, Double.NaN);
                }, false, (record, torch) -> {
                    Double forward = torch.get(SampleCase.parse(record.key()).pytorchForwardKey());
                    return forward == null ? null : forward * steps;
                });
        System.out.printf("%nper image (%d-step chain, batch %d; PyTorch: its no-grad forward x %d):%n", steps, batch, steps);
        for (BenchRecord r : records) {
            String torch = r.pytorchMedianMs() == null ? "" : String.format("   PyTorch %8.2f s   ratio %.2fx",
                    r.pytorchMedianMs() / batch / 1e3, r.ratio());
            System.out.printf("  %-10s ours %8.2f s%s%n", r.caseName(), r.medianMs() / batch / 1e3, torch);
        }
        return 0;
    }
}
