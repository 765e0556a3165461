package org.ddpm4j.bench.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ddpm4j.bench.cli.SamplingOptions.Method;

/**
 * How big a {@code ddpm report} run is: every count the report's numbers depend on, so the report can state them.
 *
 * @param classifierSteps  Adam steps of the feature classifier (batch 128)
 * @param unetChannels     base channels of the class-conditional U-Net
 * @param unetSteps        its training steps
 * @param unetBatch        its batch size
 * @param diffusionSteps   T of its linear β schedule (1e-4 → 0.02 scaled by 1000/T)
 * @param boundImages      test images the bits/dim bound is measured on (every one of the T steps)
 * @param samplingSteps    respaced steps of every sampling run
 * @param sweepSamples     samples per guidance weight (and test images they are compared with)
 * @param swissRollSteps   training steps of each swiss-roll network
 * @param swissRollNetworks networks averaged into the swiss-roll model (the demo's default, 6, in the full report)
 * @param heartbeatSteps   training steps of the heartbeat model
 * @param heartbeatT       T of the binomial diffusion
 * @param curveSamples     samples per point of an unconditional model's sampler curve (and test images they are
 *                         compared with)
 * @param curveBudgets     the curve's methods with their network evaluations per sample
 */
record ReportPlan(int classifierSteps, int unetChannels, int unetSteps, int unetBatch, int diffusionSteps,
                  int boundImages, int samplingSteps, int sweepSamples, int swissRollSteps, int swissRollNetworks,
                  int heartbeatSteps, int heartbeatT, int curveSamples, Map<Method, List<Integer>> curveBudgets) {

    /** Guidance weights of the sweep (Ho &amp; Salimans' Figure 2 spans 0 to 4). */
    static final double[] GUIDANCE = {0, 0.5, 1, 2, 4};

    /** The full report: hours on 2 cores. */
    static ReportPlan full() {
        // The two ODE solvers stop at 250 evaluations to keep the report within hours on 2 cores: a 1000-step point
        // of each would cost as much as the rest of the curve.
        List<Integer> ode = List.of(10, 20, 50, 100, 250);
        return new ReportPlan(3000, 32, 4000, 32, 1000, 64, 250, 1000, 40_000, 6, 10_000, 2000, 200,
                budgets(List.of(10, 20, 50, 100, 250, 1000), ode, ode));
    }

    /** Minutes on 2 cores: the same report from much smaller runs (its numbers say so). */
    static ReportPlan quick() {
        return new ReportPlan(300, 32, 150, 16, 1000, 8, 10, 50, 2000, 1, 1000, 200, 50,
                budgets(List.of(10, 20, 100), List.of(10, 20), List.of(10, 20)));
    }

    /** Seconds: for the end-to-end test of the command itself. */
    static ReportPlan tiny() {
        return new ReportPlan(3, 32, 2, 4, 20, 2, 2, 12, 20, 1, 20, 20, 6,
                budgets(List.of(2, 3), List.of(2), List.of(2)));
    }

    private static Map<Method, List<Integer>> budgets(List<Integer> ancestral, List<Integer> ddim, List<Integer> dpm) {
        Map<Method, List<Integer>> budgets = new LinkedHashMap<>();
        budgets.put(Method.ANCESTRAL, ancestral);
        budgets.put(Method.DDIM, ddim);
        budgets.put(Method.DPM_SOLVER, dpm);
        return budgets;
    }
}
