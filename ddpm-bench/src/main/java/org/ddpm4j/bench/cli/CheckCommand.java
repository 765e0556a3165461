package org.ddpm4j.bench.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.check.BackendCheck;
import org.ddpm4j.tensor.check.OpComparison;
import org.ddpm4j.tensor.opencl.OpenClBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ddpm check}: every op of a backend, forward and backward, against the scalar reference, printing the
 * largest error of each output. It is the op test suite for a machine that has the CLI jar but no Maven, such as a
 * GPU host: {@code ddpm check --backend opencl} (the device chosen by {@code -Dddpm.opencl.device} in
 * {@code DDPM_JAVA_OPTS}). A backend that does not start as asked is a failure here, not a fallback: checking the
 * SIMD backend in the GPU's place would prove nothing about the device.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Run every op of a backend against the scalar reference and print the largest errors.")
public final class CheckCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        run.check(new OptionChecks(spec.commandLine()));
        PrintWriter err = spec.commandLine().getErr();
        String asked = run.backend.toLowerCase(Locale.ROOT);
        Backend backend;
        try {
            backend = asked.equals("opencl") ? OpenClBackend.create() : run.backend();
        } catch (IllegalStateException | LinkageError e) {
            err.println("ddpm check: the opencl backend did not start: " + e.getMessage());
            return DdpmCommand.FAILED;
        }
        try {
            if (!backend.name().equals(asked)) {
                err.println("ddpm check: asked for the " + asked + " backend but " + backend.name()
                        + " started (see the warning above); nothing was checked");
                return DdpmCommand.FAILED;
            }
            PrintStream out = System.out;
            out.printf("%d op cases on %s against the scalar reference (seed %d)%n", BackendCheck.caseCount(),
                    backend.describe(), run.seed);
            out.printf("%-44s %-22s %8s %12s %10s  %s%n", "op", "output", "values", "max |error|", "of tol.",
                    "result");
            List<OpComparison> results = new BackendCheck(run.seed).compare(backend, r -> out.printf(
                    "%-44s %-22s %8d %12.3e %10.3f  %s%n", r.op(), r.output(), r.values(), r.worstAbsError(),
                    r.worstFraction(), r.passed() ? "ok" : "FAILED (" + r.outOfTolerance() + " values)"));
            long failed = results.stream().filter(r -> !r.passed()).count();
            out.printf("%d of %d outputs within tolerance%s%n", results.size() - failed, results.size(),
                    failed == 0 ? "" : "; " + failed + " FAILED");
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("backend", backend.describe());
            summary.put("outputs", results.size());
            summary.put("failed", failed);
            summary.put("worstFractionOfTolerance", results.stream().mapToDouble(OpComparison::worstFraction).max()
                    .orElse(0));
            run.printJson(summary);
            return failed == 0 ? 0 : DdpmCommand.FAILED;
        } finally {
            backend.shutdown();
        }
    }
}
