package org.ddpm4j.bench.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.data.ImageDatasets;
import org.ddpm4j.diffusion.eval.ClassifierTraining;
import org.ddpm4j.nn.ImageClassifier;
import org.ddpm4j.tensor.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ddpm classifier}: trains the feature classifier of the sample-quality metrics on Fashion-MNIST's training
 * images, reports its accuracy on the test images and saves it as safetensors.
 */
@Command(name = "classifier", mixinStandardHelpOptions = true,
        description = "Train the Fashion-MNIST classifier used for sample-quality metrics; report test accuracy.")
public final class ClassifierCommand implements Callable<Integer> {
    @Option(names = "--data-dir", description = "directory with the MNIST-format files (default: ${DEFAULT-VALUE})")
    Path dataDir = ImageDatasets.DEBIAN_FASHION_MNIST;

    @Option(names = "--steps", description = "training steps (default: ${DEFAULT-VALUE})")
    int steps = ClassifierTraining.Settings.defaults().steps();

    @Option(names = "--out", description = "safetensors file for the trained classifier (default: ${DEFAULT-VALUE})")
    Path out = Path.of("fashion-classifier.safetensors");

    @Mixin
    RunOptions run;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        check(new OptionChecks(spec.commandLine()));
        Backend be = run.backend();
        Dataset train = ImageDatasets.mnistFormat(dataDir, true), test = ImageDatasets.mnistFormat(dataDir, false);
        ClassifierTraining.Settings d = ClassifierTraining.Settings.defaults();
        ClassifierTraining.Settings s = new ClassifierTraining.Settings(steps, d.batchSize(), d.learningRate(), run.seed);
        ImageClassifier.Config config = ImageClassifier.Config.fashionMnist();
        ClassifierTraining.Result r;
        try (TrainingBar bar = new TrainingBar(0, steps)) {
            r = ClassifierTraining.train(config, train, test, s, be, bar);
        }
        ClassifierTraining.save(out, r);
        System.out.printf("trained %d steps on %d images in %.1f s (%s); test accuracy %.2f%% on %d images; %s%n",
                steps, train.size(), r.trainSeconds(), be.describe(), 100 * r.testAccuracy(), test.size(),
                out.toAbsolutePath());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("test_accuracy", r.testAccuracy());
        m.put("train_seconds", r.trainSeconds());
        m.put("train_steps", steps);
        m.put("final_loss", r.finalLoss());
        m.put("classifier", out.toAbsolutePath().toString());
        run.printJson(m);
        be.shutdown();
        return 0;
    }

    /** Every option, before any work starts. */
    private void check(OptionChecks checks) {
        run.check(checks);
        checks.atLeast("--steps", steps, 1).dataDirectory("--data-dir", dataDir).writableFile("--out", out);
    }
}
