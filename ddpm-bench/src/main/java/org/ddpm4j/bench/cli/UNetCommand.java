package org.ddpm4j.bench.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.ddpm4j.bench.JmhRunner;
import org.ddpm4j.bench.unet.FlopCounter;
import org.ddpm4j.bench.unet.UNetBenchmark;
import org.ddpm4j.bench.unet.UNetCase;
import org.ddpm4j.bench.unet.UNetWorkload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ddpm bench unet}: the PyTorch script's U-Net train-step and sampling-forward cases, with JMH's GC profiler. */
@Command(name = "unet", mixinStandardHelpOptions = true,
        description = "Time U-Net training steps (forward, backward, Adam) and sampling forwards, with allocation per step.")
public final class UNetCommand implements Callable<Integer> {

    @Mixin
    BenchOptions options;

    @Option(names = "--channels", split = ",", description = "base channel counts to run (default: 64,32)")
    List<Integer> channels = List.of(64, 32);

    @Override
    public Integer call() throws Exception {
        List<UNetCase> cases = UNetCase.all().stream().filter(c -> channels.contains(c.channels())).toList();
        if (cases.isEmpty()) {
            throw new IllegalArgumentException("--channels " + channels + ": the U-Net cases have 64 or 32");
        }
        String torchChannels = String.join(",", channels.stream().map(String::valueOf).toList());
        BenchSession.run(options, "unet", List.of("--unet-ch", torchChannels, "--train-batches", "32,64",
                        "--sample-batches", "64"), UNetBenchmark.class, "unet", cases.stream().map(UNetCase::key).toList(),
                key -> {
                    UNetCase c = UNetCase.byKey(key);
                    double perImage = FlopCounter.forwardGflopPerImage(UNetWorkload.config(c));
                    double gflop = (c.training() ? 3 : 1) * perImage * c.batch();
                    return new JmhRunner.CaseInfo("unet", c.name(), c.mode(), gflop, Double.NaN);
                }, true);
        if (options.backend.equals("opencl")) {
            StepTransfers.print(cases);
        }
        return 0;
    }
}
