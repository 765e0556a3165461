package org.ddpm4j.bench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;

/** One run of {@code ddpm ARGS} in the test's JVM: its exit code, what it printed, and its error lines. */
record CliRun(int exitCode, String out, String err) {
    /** Runs the command line as {@link DdpmCommand#main} would, capturing stdout (commands print there) and stderr. */
    static CliRun ddpm(String... args) {
        CommandLine cli = DdpmCommand.commandLine();
        StringWriter err = new StringWriter(), out = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(out, true));
        PrintStream before = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int rc = cli.execute(args);
            return new CliRun(rc, captured.toString(StandardCharsets.UTF_8) + out, err.toString());
        } finally {
            System.setOut(before);
        }
    }

    /** The error's non-empty lines. */
    List<String> lines() {
        return err.lines().filter(l -> !l.isBlank()).toList();
    }

    /** The JSON object of {@code --json}: the last line printed. */
    JsonNode json() throws IOException {
        String[] printed = out.strip().split("\n");
        return new ObjectMapper().readTree(printed[printed.length - 1]);
    }
}
