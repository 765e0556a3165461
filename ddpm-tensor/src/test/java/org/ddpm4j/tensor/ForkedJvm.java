package org.ddpm4j.tensor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a main class in a fresh JVM on this test's class path, with given JVM options, arguments and environment. */
public final class ForkedJvm {
    /** How long a forked JVM may run before the test fails: far above what any of them needs. */
    private static final long TIMEOUT_SECONDS = 300;

    /** The exit code and everything the JVM printed (stdout and stderr together). */
    public record Result(int exitCode, String output) {
    }

    private ForkedJvm() {
    }

    /** {@link FallbackMain} with {@code env}; entries with a null value are removed from the inherited environment. */
    static Result runFallbackMain(List<String> jvmArgs, Map<String, String> env) throws IOException, InterruptedException {
        Process p = start(FallbackMain.class, jvmArgs, List.of(), env);
        return finish(p);
    }

    /** {@code main} with {@code args}, waiting for it to end; fails the test if it hangs. */
    public static Result run(Class<?> main, List<String> jvmArgs, List<String> args)
            throws IOException, InterruptedException {
        return finish(start(main, jvmArgs, args, Map.of()));
    }

    /** {@code main} started and left running, its output merged and readable from the process. */
    public static Process start(Class<?> main, List<String> jvmArgs, List<String> args, Map<String, String> env)
            throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        return pb.start();
    }

    private static Result finish(Process p) throws IOException, InterruptedException {
        // Read on another thread so that a hung JVM is caught by the timeout instead of blocking the read.
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                out.append("(output unreadable: ").append(e).append(')');
            }
        });
        reader.start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            reader.join(5000);
            throw new AssertionError("forked JVM did not finish in " + TIMEOUT_SECONDS + " s:\n" + out);
        }
        reader.join();
        return new Result(p.exitValue(), out.toString());
    }
}
