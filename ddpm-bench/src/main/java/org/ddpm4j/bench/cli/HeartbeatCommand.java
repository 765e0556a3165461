package org.ddpm4j.bench.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ddpm4j.diffusion.data.Heartbeat;
import org.ddpm4j.bench.demo.HeartbeatDemo;
import org.ddpm4j.tensor.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ddpm heartbeat}: binomial diffusion of Sohl-Dickstein et al.'s heartbeat sequences, trained on the bound
 * and measured on held-out sequences beside the true log-likelihood and their published bound.
 */
@Command(name = "heartbeat", mixinStandardHelpOptions = true,
        description = "Train binomial diffusion on the binary heartbeat data and report its bound in bits/sequence.")
public final class HeartbeatCommand implements Callable<Integer> {

    @Option(names = "--steps", description = "training steps (default: ${DEFAULT-VALUE})")
    int steps = HeartbeatDemo.Settings.defaults().trainSteps();

    @Mixin
    RunOptions run;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        check(new OptionChecks(spec.commandLine()));
        Backend be = run.backend();
        HeartbeatDemo.Settings s = HeartbeatDemo.Settings.defaults().withTrainSteps(steps).withSeed(run.seed);
        HeartbeatDemo.Result r;
        try (TrainingBar bar = new TrainingBar(0, steps)) {
            r = HeartbeatDemo.run(s, be, bar);
        }
        System.out.printf("trained %d steps in %.1f s (%s); T = %d%n", steps, r.trainSeconds(), be.describe(),
                s.diffusionSteps());
        System.out.printf("held-out bound K                   %8.3f bits/sequence%n", r.loglikBoundBits());
        System.out.printf("true log-likelihood log2(1/5)      %8.3f bits/sequence (gap %.3f)%n",
                Heartbeat.TRUE_LOGLIK_BITS, r.gapBits());
        System.out.printf("Sohl-Dickstein et al. (Table 1)    %8.3f bits/sequence%n", Heartbeat.SOHL_DICKSTEIN_BOUND_BITS);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loglik_bound_bits_per_seq", r.loglikBoundBits());
        m.put("true_loglik_bits_per_seq", Heartbeat.TRUE_LOGLIK_BITS);
        m.put("gap_bits_per_seq", r.gapBits());
        m.put("sohl_dickstein_bound_bits_per_seq", Heartbeat.SOHL_DICKSTEIN_BOUND_BITS);
        m.put("train_seconds", r.trainSeconds());
        m.put("train_steps", steps);
        m.put("final_loss", r.finalLoss());
        run.printJson(m);
        be.shutdown();
        return 0;
    }

    /** Every option, before any work starts. */
    private void check(OptionChecks checks) {
        run.check(checks);
        checks.atLeast("--steps", steps, 1);
    }
}
