package org.ddpm4j.bench.cli;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.ddpm4j.diffusion.spark.SparkGradients;
import org.ddpm4j.diffusion.train.GradientReduction;

/**
 * {@code ddpm train --spark-master}: the Spark context and the gradient reduction on it. Only this class names Spark's
 * types, so the CLI runs without Spark on the class path until the option is given.
 */
final class SparkCluster implements AutoCloseable {
    private final JavaSparkContext sc;
    private final SparkGradients gradients;

    private SparkCluster(JavaSparkContext sc, SparkGradients gradients) {
        this.sc = sc;
        this.gradients = gradients;
    }

    /**
     * Connects to {@code master} ({@code local[N]}, {@code spark://host:port}, ...) and prepares {@code workers}
     * tasks per step, of {@code microBatches} micro-batches and {@code threads} threads each; the data's shards are
     * checkpointed into {@code checkpointDir} when it is not null.
     */
    static SparkCluster connect(String master, int workers, int microBatches, int threads, String checkpointDir) {
        JavaSparkContext sc = context(master, "ddpm4j train");
        if (checkpointDir != null) {
            sc.setCheckpointDir(checkpointDir);
        }
        return new SparkCluster(sc, new SparkGradients(sc, workers, microBatches, threads));
    }

    /** A Spark context on {@code master}, without the web UI unless the configuration asks for it. */
    static JavaSparkContext context(String master, String appName) {
        // Up to 4 attempts per task in local mode too, as on a cluster, so a lost task is run again.
        String m = master.matches("local\\[(\\d+|\\*)]") ? master.replace("]", ",4]") : master;
        return new JavaSparkContext(new SparkConf().setMaster(m).setAppName(appName)
                .setIfMissing("spark.ui.enabled", "false"));
    }

    /** Whether Spark's classes can be loaded (checked before any of this class's code runs). */
    static boolean available() {
        try {
            Class.forName("org.apache.spark.SparkConf", false, SparkCluster.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** The workers given by {@code --spark-workers}, or else the N of a {@code local[N]} master (0 when neither says). */
    static int workers(Integer given, String master) {
        return given != null ? given : localWorkers(master);
    }

    /** The workers of a {@code local[N]} master (N), or 0 when the master does not say. */
    private static int localWorkers(String master) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("local\\[(\\d+)(,\\d+)?]").matcher(master);
        return m.matches() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** The trainer's gradient source. */
    GradientReduction gradients() {
        return gradients;
    }

    /** Bytes of weights sent and gradients received so far. */
    long[] traffic() {
        return new long[] {gradients.bytesSent(), gradients.bytesReceived()};
    }

    @Override
    public void close() {
        gradients.close();
        sc.stop();
    }
}
