package org.ddpm4j.bench.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ddpm4j.bench.demo.SwissRollDemo;
import org.ddpm4j.diffusion.io.ScatterPlot;
import org.ddpm4j.tensor.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ddpm demo}: the built-in main job. Trains a diffusion model of the 2-D swiss roll, writes a scatter plot of
 * its samples over held-out data, and reports the held-out log-likelihood lower bound K beside the true
 * log-likelihood of the generator and L_null (Sohl-Dickstein et al. 2015, Table 1).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train a swiss-roll diffusion model, write its samples as a PNG, report the likelihood bound.")
public final class DemoCommand implements Callable<Integer> {
    /** Sohl-Dickstein et al.'s swiss-roll bound (Table 1), on a roll whose generator they did not publish. */
    static final double SOHL_DICKSTEIN_K_BITS = 2.35;

    @Option(names = "--steps", description = "training steps of each network (default: ${DEFAULT-VALUE})")
    int steps = SwissRollDemo.Settings.defaults().trainSteps();

    @Option(names = "--learning-rate", description = "Adam's (peak) learning rate (default: ${DEFAULT-VALUE})")
    double learningRate = SwissRollDemo.Settings.defaults().learningRate();

    @Option(names = "--cosine-decay", negatable = true,
            description = "decay the learning rate to 0 over the run (default: ${DEFAULT-VALUE})")
    boolean cosineDecay = SwissRollDemo.Settings.defaults().cosineDecay();

    @Option(names = "--importance-sampling", negatable = true,
            description = "draw t by importance, p_t ∝ √E[L_t²] (default: ${DEFAULT-VALUE})")
    boolean importanceSampling = SwissRollDemo.Settings.defaults().importanceSampling();

    @Option(names = "--hidden", description = "width of the MLP's hidden layers (default: ${DEFAULT-VALUE})")
    int hidden = SwissRollDemo.Settings.defaults().hidden();

    @Option(names = "--layers", description = "hidden layers of the MLP (default: ${DEFAULT-VALUE})")
    int layers = SwissRollDemo.Settings.defaults().hiddenLayers();

    @Option(names = "--networks", description = "independently trained MLPs whose average is the model "
            + "(default: ${DEFAULT-VALUE})")
    int networks = SwissRollDemo.Settings.defaults().networks();

    @Option(names = "--out", description = "scatter plot PNG (default: ${DEFAULT-VALUE})")
    Path out = Path.of("demo-swissroll.png");

    @Mixin
    RunOptions run;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        check(new OptionChecks(spec.commandLine()));
        Backend be = run.backend();
        SwissRollDemo.Settings s = SwissRollDemo.Settings.builder().trainSteps(steps).seed(run.seed)
                .learningRate(learningRate, cosineDecay).importanceSampling(importanceSampling)
                .network(hidden, layers).networks(networks).build();
        SwissRollDemo.Result r;
        try (TrainingBar bar = new TrainingBar(0, (long) steps * networks)) {
            r = SwissRollDemo.run(s, be, bar);
        }
        ScatterPlot.write(out, "ddpm4j swiss roll: samples (red) over held-out data (grey)", r.testPoints().all(), r.samples());
        System.out.printf("trained %d network%s of %d steps in %.1f s (%s)%n", networks, networks == 1 ? "" : "s",
                steps, r.trainSeconds(), be.describe());
        System.out.printf("held-out log-likelihood lower bound K   %8.3f bits/point%n", r.loglikBoundBits());
        System.out.printf("true log-likelihood of the generator    %8.3f bits/point%n", r.trueLoglikBits());
        System.out.printf("gap (true - K)                           %8.3f ± %.3f bits/point (standard error)%n",
                r.gapBits(), r.gapStandardErrorBits());
        System.out.printf("L_null (unit-variance Gaussian)         %8.3f bits/point;  K - L_null %.3f%n",
                r.nullLoglikBits(), r.loglikBoundBits() - r.nullLoglikBits());
        System.out.printf("Sohl-Dickstein et al. report K = %.2f on their own (unpublished) roll: not comparable%n",
                SOHL_DICKSTEIN_K_BITS);
        System.out.println("samples: " + out.toAbsolutePath());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loglik_bound_bits", r.loglikBoundBits());
        m.put("true_loglik_bits", r.trueLoglikBits());
        m.put("gap_bits", r.gapBits());
        m.put("gap_standard_error_bits", r.gapStandardErrorBits());
        m.put("held_out_points", r.testPoints().size());
        m.put("l_null_bits", r.nullLoglikBits());
        m.put("k_minus_l_null_bits", r.loglikBoundBits() - r.nullLoglikBits());
        m.put("train_seconds", r.trainSeconds());
        m.put("train_steps", steps);
        m.put("networks", networks);
        m.put("final_loss", r.finalLoss());
        m.put("samples_png", out.toAbsolutePath().toString());
        run.printJson(m);
        be.shutdown();
        return 0;
    }

    /** Every option, before any work starts. */
    private void check(OptionChecks checks) {
        run.check(checks);
        checks.atLeast("--steps", steps, 1).positive("--learning-rate", learningRate).atLeast("--hidden", hidden, 1)
                .atLeast("--layers", layers, 1).atLeast("--networks", networks, 1).writableFile("--out", out);
    }
}
