package org.ddpm4j.bench.cli;

import java.util.Locale;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.sample.Sampler;
import picocli.CommandLine.Option;

/** How a command samples: {@code --sampler} and, for DDIM, {@code --ddim-eta}; the step count is the command's. */
public final class SamplingOptions {
    /** The sampling methods of {@link Sampler}, by their command-line names. */
    enum Method {
        ANCESTRAL("ancestral"), DDIM("ddim"), DPM_SOLVER("dpm-solver++"), HEUN("heun");

        final String cliName;

        Method(String cliName) {
            this.cliName = cliName;
        }

        /** The method of that name, or null. */
        static Method named(String name) {
            for (Method m : values()) {
                if (m.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
            return null;
        }
    }

    @Option(names = "--sampler", description = "ancestral (DDPM Algorithm 2), ddim, dpm-solver++ (DPM-Solver++(2M), "
            + "Lu et al. 2022; 10-25 steps, spaced evenly in log-SNR) or heun (Karras et al. 2022; 2n-1 network calls "
            + "for n steps) (default: ancestral, or ddim with --ddim-eta)")
    String sampler;

    @Option(names = "--ddim-eta", description = "DDIM's η (0: deterministic; default 0 with --sampler ddim)")
    Double ddimEta;

    /** Checks the options before the command starts work. */
    void check(OptionChecks checks) {
        checks.nonNegativeIfGiven("--ddim-eta", ddimEta);
        if (sampler != null) {
            Method m = Method.named(sampler);
            checks.require(m != null, "--sampler must be one of ancestral, ddim, dpm-solver++, heun; got '" + sampler
                    + "'");
            checks.require(ddimEta == null || m == Method.DDIM, "--ddim-eta applies to --sampler ddim only, not "
                    + sampler);
        }
    }

    /** A sampler of {@code diffusion} on at most {@code steps} of its T steps, with the chosen method. */
    Sampler sampler(GaussianDiffusion diffusion, int steps) {
        Method m = sampler != null ? Method.named(sampler) : ddimEta != null ? Method.DDIM : Method.ANCESTRAL;
        return sampler(diffusion, m, steps, ddimEta == null ? 0 : ddimEta);
    }

    /**
     * A sampler of {@code diffusion} with method {@code m} on at most {@code steps} of its T steps: evenly respaced,
     * or evenly in log-SNR for DPM-Solver++ (Lu et al. 2022 §4); {@code ddimEta} applies to DDIM only.
     */
    static Sampler sampler(GaussianDiffusion diffusion, Method m, int steps, double ddimEta) {
        int count = Math.min(steps, diffusion.schedule().steps());
        Sampler s = new Sampler(diffusion);
        return switch (m) {
            case ANCESTRAL -> s.respaced(count);
            case DDIM -> s.respaced(count).ddim(ddimEta);
            case DPM_SOLVER -> s.respacedByLogSnr(count).dpmSolver();
            case HEUN -> s.respaced(count).heun();
        };
    }
}
