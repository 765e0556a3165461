package org.ddpm4j.bench.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Backends;
import picocli.CommandLine.Option;

/** Options of the commands that train, sample or evaluate: threads, seed, and the closing JSON line. */
public final class RunOptions {

    @Option(names = "--threads", description = "worker threads (default: available processors)")
    Integer threads;

    @Option(names = "--seed", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--json", description = "print the final metrics as one JSON object on the last line")
    boolean json;

    /** The SIMD backend (scalar if the Vector API is missing) with the chosen thread count. */
    Backend backend() {
        return Backends.create("simd", threads != null ? threads : Backends.configuredThreads());
    }

    /** Prints {@code metrics} as one JSON line when {@code --json} was given. */
    void printJson(Map<String, Object> metrics) throws JsonProcessingException {
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(metrics));
        }
    }
}
