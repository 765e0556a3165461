package org.ddpm4j.bench.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.ddpm4j.bench.JmhRunner;
import org.ddpm4j.bench.compare.ComparedCase;
import org.ddpm4j.bench.unet.FlopCounter;
import org.ddpm4j.bench.unet.UNetBenchmark;
import org.ddpm4j.bench.unet.UNetCase;
import org.ddpm4j.bench.unet.UNetWorkload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ddpm bench unet}: U-Net training steps and sampling forwards, with JMH's GC profiler or beside PyTorch. */
@Command(name = "unet", mixinStandardHelpOptions = true,
        description = "Time U-Net training steps (forward, backward, Adam) and sampling forwards, with allocation per step.")
public final class UNetCommand implements Callable<Integer> {

    @Mixin
    BenchOptions options;

    @Option(names = "--model", description = "small (the grayscale U-Net at --channels) or cifar10 (DDPM's CIFAR-10 "
            + "network, ch 128: a training step at batch 32, a sampling forward at 64) (default: ${DEFAULT-VALUE})")
    String model = UNetCase.SMALL;

    @Option(names = "--channels", split = ",", description = "base channel counts of the small U-Net to run "
            + "(default: 64,32)")
    List<Integer> channels = List.of(64, 32);

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        check(new OptionChecks(spec.commandLine()));
        List<UNetCase> cases = UNetCase.of(model).stream()
                .filter(c -> !model.equals(UNetCase.SMALL) || channels.contains(c.channels())).toList();
        if (cases.isEmpty()) {
            throw new IllegalArgumentException("--channels " + channels + ": the U-Net cases have 64 or 32");
        }
        if (options.comparePyTorch) {
            BenchSession.compare(options, be -> cases.stream().map(c -> new ComparedCase("unet", c.name(), c.mode(),
                    c.peerDims(), gflop(c), Double.NaN,
                    () -> new UNetWorkload(be, c)::run)).toList());
        } else {
            BenchSession.run(options, UNetBenchmark.class, "unet", cases.stream().map(UNetCase::key).toList(), key -> {
                UNetCase c = UNetCase.byKey(key);
                return new JmhRunner.CaseInfo("unet", c.name(), c.mode(), gflop(c), Double.NaN);
            }, true);
        }
        if (options.backend.equals("opencl")) {
            StepTransfers.print(cases);
        }
        return 0;
    }

    /** Nominal GFLOP of one call: the forward's per image times the batch, three times that for a training step. */
    private static double gflop(UNetCase c) {
        return (c.training() ? 3 : 1) * FlopCounter.forwardGflopPerImage(c.config()) * c.batch();
    }

    /** Every option, before any work starts. */
    private void check(OptionChecks checks) {
        options.check(checks);
        checks.unetModel("--model", model);
        for (int c : channels) {
            checks.channels("--channels", c);
        }
    }
}
