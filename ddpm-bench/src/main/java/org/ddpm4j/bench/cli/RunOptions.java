package org.ddpm4j.bench.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Backends;
import picocli.CommandLine.Option;

/** Options of the commands that train, sample or evaluate: backend, threads, seed, and the closing JSON line. */
public final class RunOptions {

    @Option(names = "--threads", description = "worker threads (default: available processors)")
    Integer threads;

    @Option(names = "--seed", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--json", description = "print the final metrics as one JSON object on the last line")
    boolean json;

    @Option(names = "--backend", description = "simd, scalar or opencl (default: ${DEFAULT-VALUE}; opencl falls back "
            + "to simd with a warning when there is no OpenCL device)")
    String backend = System.getProperty("ddpm.backend", "simd");

    /** Checks the options before the command starts work. */
    void check(OptionChecks checks) {
        checks.require(threads == null || threads >= 1, "--threads must be at least 1, got " + threads)
                .backend("--backend", backend);
    }

    /** The chosen backend with the chosen thread count. */
    Backend backend() {
        Backend be = Backends.create(backend, threads != null ? threads : Backends.configuredThreads());
        System.err.println("backend: " + be.describe());
        return be;
    }

    /** Prints {@code metrics} as one JSON line when {@code --json} was given. */
    void printJson(Map<String, Object> metrics) throws JsonProcessingException {
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(metrics));
        }
    }
}
