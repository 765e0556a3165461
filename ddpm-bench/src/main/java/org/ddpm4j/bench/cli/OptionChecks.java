package org.ddpm4j.bench.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ddpm4j.bench.unet.UNetCase;
import org.ddpm4j.diffusion.data.ImageDatasets;
import org.ddpm4j.nn.GroupNorm;
import org.ddpm4j.nn.UNetConfig;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Checks of option values that a command makes before it starts any work: each failure is a picocli
 * {@link ParameterException} naming the option and the value, which {@link DdpmCommand} prints as one line with
 * exit code 2 (a usage error).
 */
final class OptionChecks {
    private static final List<String> BACKENDS = List.of("simd", "scalar", "opencl");
    private final CommandLine cmd;

    OptionChecks(CommandLine cmd) {
        this.cmd = cmd;
    }

    /** {@code value >= min}. */
    OptionChecks atLeast(String option, long value, long min) {
        return require(value >= min, option + " must be at least " + min + ", got " + value);
    }

    /** {@code value} finite and {@code > 0}. */
    OptionChecks positive(String option, double value) {
        return require(value > 0 && Double.isFinite(value), option + " must be a positive number, got " + value);
    }

    /** {@code value} finite and {@code >= 0}. */
    OptionChecks nonNegative(String option, double value) {
        return require(value >= 0 && Double.isFinite(value), option + " must be a number >= 0, got " + value);
    }

    /** {@code value} finite and {@code >= 0} when given (not null). */
    OptionChecks nonNegativeIfGiven(String option, Double value) {
        return value == null ? this : nonNegative(option, value);
    }

    /** A backend name {@link org.ddpm4j.tensor.Backends#create} knows. */
    OptionChecks backend(String option, String name) {
        return require(BACKENDS.contains(name), option + " must be one of " + BACKENDS + ", got '" + name + "'");
    }

    /** A U-Net base channel count: a positive multiple of GroupNorm's groups. */
    OptionChecks channels(String option, int channels) {
        int groups = GroupNorm.DEFAULT_GROUPS;
        return require(channels >= groups && channels % groups == 0, option + " must be a positive multiple of "
                + groups + " (GroupNorm's groups), got " + channels);
    }

    /**
     * A U-Net benchmark's network ({@link UNetCase#SMALL} or {@link UNetCase#CIFAR10}), and no {@code --channels}
     * given with the CIFAR-10 network, whose base channels are fixed.
     */
    OptionChecks unetModel(String option, String model) {
        require(model.equals(UNetCase.SMALL) || model.equals(UNetCase.CIFAR10), option + ": expected "
                + UNetCase.SMALL + " or " + UNetCase.CIFAR10 + " but was '" + model + "'");
        return require(model.equals(UNetCase.SMALL) || !cmd.getParseResult().hasMatchedOption("--channels"),
                "--channels: only the small U-Net takes it; the " + UNetCase.CIFAR10 + " network has ch "
                        + UNetConfig.cifar10().channels());
    }

    /** {@code lo <= value < hi}. */
    OptionChecks inHalfOpenRange(String option, double value, double lo, double hi) {
        return require(value >= lo && value < hi, option + " must be in [" + lo + ", " + hi + "), got " + value);
    }

    /** An existing readable regular file. */
    OptionChecks readableFile(String option, Path file) {
        return require(Files.isRegularFile(file) && Files.isReadable(file),
                option + " " + file + ": " + (Files.exists(file) ? "not a readable file" : "no such file"));
    }

    /** A directory of MNIST-format files; the default one says which Debian package provides it. */
    OptionChecks dataDirectory(String option, Path dir) {
        boolean debian = dir.equals(ImageDatasets.DEBIAN_FASHION_MNIST);
        return require(Files.isDirectory(dir), option + " " + dir + ": no such directory"
                + (debian ? " (Debian: apt-get install dataset-fashion-mnist)" : ""));
    }

    /**
     * A file the command can write when it is done: not a directory, and in a directory that exists and is writable
     * or can be created (its nearest existing ancestor is a writable directory). Null (the option not given) passes.
     */
    OptionChecks writableFile(String option, Path file) {
        if (file == null) {
            return this;
        }
        Path abs = file.toAbsolutePath();
        require(!Files.isDirectory(abs), option + " " + file + ": is a directory, not a file");
        require(!Files.exists(abs) || Files.isWritable(abs), option + " " + file + ": exists and is not writable");
        Path dir = abs.getParent();
        while (dir != null && !Files.exists(dir)) {
            dir = dir.getParent();
        }
        return require(dir != null && Files.isDirectory(dir) && Files.isWritable(dir), option + " " + file
                + ": cannot be written (" + dir + " is " + (dir != null && Files.isDirectory(dir)
                ? "not writable)" : "not a directory)"));
    }

    /** Fails with {@code message} unless {@code ok}. */
    OptionChecks require(boolean ok, String message) {
        if (!ok) {
            throw new ParameterException(cmd, message);
        }
        return this;
    }
}
