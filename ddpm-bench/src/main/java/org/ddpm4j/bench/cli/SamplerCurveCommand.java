package org.ddpm4j.bench.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.data.ImageDatasets;
import org.ddpm4j.diffusion.eval.ClassifierTraining;
import org.ddpm4j.diffusion.io.ImageModelFiles;
import org.ddpm4j.nn.ImageClassifier;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ddpm sampler-curve}: sample quality against network evaluations per sample, for several sampling methods
 * on one model (see {@link SamplerCurve}).
 */
@Command(name = "sampler-curve", mixinStandardHelpOptions = true,
        description = "Fréchet distance (and the other quality metrics) against network evaluations per sample, "
                + "for each sampling method; writes DIR/sampler-curve.csv, .md and .png.")
public final class SamplerCurveCommand implements Callable<Integer> {
    @Mixin
    CheckpointOption checkpoint;

    @Option(names = "--classifier", required = true, description = "classifier written by ddpm classifier")
    Path classifier;

    @Option(names = "--data-dir", description = "directory with the MNIST-format files (default: ${DEFAULT-VALUE})")
    Path dataDir = ImageDatasets.DEBIAN_FASHION_MNIST;

    @Option(names = "--out", required = true, description = "folder for sampler-curve.csv, .md and .png")
    Path out;

    @Option(names = "--samplers", split = ",", description = "methods, each of ancestral, ddim, dpm-solver++, heun "
            + "(default: ${DEFAULT-VALUE})")
    List<String> samplers = List.of("ancestral", "ddim", "dpm-solver++");

    @Option(names = "--evaluations", split = ",", description = "network evaluations per sample to try; Heun's "
            + "2n-1 rounds an even count down (default: ${DEFAULT-VALUE})")
    List<Integer> evaluations = List.of(10, 20, 50, 100, 250, 1000);

    @Option(names = "--n", description = "samples per point, and test images they are compared with "
            + "(default: ${DEFAULT-VALUE})")
    int n = 1000;

    @Option(names = "--batch", description = "sample at most this many images at a time (default: ${DEFAULT-VALUE})")
    int batch = SampleBatches.DEFAULT_BATCH;

    @Mixin
    RunOptions run;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        check(new OptionChecks(spec.commandLine()));
        Backend be = run.backend();
        ImageClassifier cls = ClassifierTraining.load(classifier, be);
        Dataset test = ImageDatasets.mnistFormat(dataDir, false);
        Tensor reference = test.first(n);
        ImageModelFiles.Loaded loaded = checkpoint.load(be);
        Files.createDirectories(out);
        SamplerCurve curve = SamplerCurve.grid(samplers.stream().map(SamplingOptions.Method::named).toList(),
                evaluations, n, batch, run.seed);
        List<SamplerCurve.Point> points = curve.measure(loaded, cls, reference, out, checkpoint.describe(),
                p -> System.out.printf(Locale.ROOT, "%-12s %4d network evaluations: Fréchet distance %.3f (%.0f s)%n",
                        p.sampler(), p.networkEvaluations(), p.quality().frechetDistance(), p.seconds()));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("csv", out.resolve("sampler-curve.csv").toAbsolutePath().toString());
        m.put("points", points.size());
        run.printJson(m);
        be.shutdown();
        return 0;
    }

    private void check(OptionChecks checks) {
        run.check(checks);
        checkpoint.check(checks);
        checks.readableFile("--classifier", classifier).dataDirectory("--data-dir", dataDir)
                .atLeast("--n", n, 2).atLeast("--batch", batch, 1)
                .require(!samplers.isEmpty() && !evaluations.isEmpty(), "--samplers and --evaluations need a value");
        for (String s : samplers) {
            checks.require(SamplingOptions.Method.named(s) != null,
                    "--samplers: '" + s + "' is not one of ancestral, ddim, dpm-solver++, heun");
        }
        for (int e : evaluations) {
            checks.require(e >= 1, "--evaluations must be at least 1, got " + e);
        }
    }
}
