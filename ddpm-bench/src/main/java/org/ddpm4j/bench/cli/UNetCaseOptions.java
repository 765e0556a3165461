package org.ddpm4j.bench.cli;

import org.ddpm4j.bench.unet.UNetCase;
import picocli.CommandLine.Option;

/** The U-Net step a breakdown command runs: which network, its batch, and training step or sampling forward. */
final class UNetCaseOptions {
    @Option(names = "--model", description = "small (the grayscale U-Net at --channels) or cifar10 (DDPM's CIFAR-10 "
            + "network, ch 128) (default: ${DEFAULT-VALUE})")
    String model = UNetCase.SMALL;

    @Option(names = "--channels", description = "base channels of the small U-Net (default: ${DEFAULT-VALUE})")
    int channels;

    @Option(names = "--batch", description = "batch size (default: ${DEFAULT-VALUE})")
    int batch = 32;

    @Option(names = "--sample", description = "the no-grad sampling forward instead of a training step")
    boolean sample;

    /** The options with the small U-Net at {@code channels} base channels unless given. */
    UNetCaseOptions(int channels) {
        this.channels = channels;
    }

    /** Refuses an unknown model, channels GroupNorm cannot split or the cifar10 network does not take, a batch below 1. */
    OptionChecks check(OptionChecks checks) {
        return checks.unetModel("--model", model).channels("--channels", channels).atLeast("--batch", batch, 1);
    }

    UNetCase unetCase() {
        if (model.equals(UNetCase.CIFAR10)) {
            return UNetCase.cifar10(!sample, batch);
        }
        return sample ? UNetCase.sampling(channels, batch) : UNetCase.training(channels, batch);
    }
}
