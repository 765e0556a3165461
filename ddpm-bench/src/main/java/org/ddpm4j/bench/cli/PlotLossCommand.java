package org.ddpm4j.bench.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ddpm4j.diffusion.io.LinePlot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ddpm plot-loss}: training loss curves of one or more {@code --loss-log} files (lines {@code step,loss}, as
 * {@code ddpm train} and the PyTorch script write them) in one PNG, each a moving average, so runs can be compared.
 */
@Command(name = "plot-loss", mixinStandardHelpOptions = true,
        description = "Plot the loss curves of --loss-log CSV files (step,loss) in one PNG, as moving averages.")
public final class PlotLossCommand implements Callable<Integer> {
    @Parameters(paramLabel = "LABEL=FILE", arity = "1..*", description = "a curve's name and its CSV file")
    List<String> curves;

    @Option(names = "--out", description = "PNG file (default: ${DEFAULT-VALUE})")
    Path out = Path.of("loss.png");

    @Option(names = "--window", description = "steps in the moving average (default: ${DEFAULT-VALUE})")
    int window = 100;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        OptionChecks checks = new OptionChecks(spec.commandLine());
        checks.atLeast("--window", window, 1).writableFile("--out", out);
        Map<String, double[][]> series = new LinkedHashMap<>();
        for (String c : curves) {
            int eq = c.indexOf('=');
            checks.require(eq > 0 && eq < c.length() - 1, "a curve is LABEL=FILE, got '" + c + "'");
            Path file = Path.of(c.substring(eq + 1));
            checks.readableFile(c.substring(0, eq), file);
            series.put(c.substring(0, eq), movingAverage(read(file), window));
        }
        LinePlot.write(out, "training loss (moving average of " + window + " steps)", "step", "loss", series);
        System.out.println("loss curves: " + out.toAbsolutePath());
        return 0;
    }

    /** {steps, losses} of a log; a line that is not 'step,loss' is an error naming the file and the line. */
    static double[][] read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split(",");
            try {
                if (parts.length != 2) {
                    throw new NumberFormatException("not two fields");
                }
                points.add(new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])});
            } catch (NumberFormatException e) {
                throw new IOException(file + ": line " + (i + 1) + " is not 'step,loss': '" + line + "'", e);
            }
        }
        if (points.isEmpty()) {
            throw new IOException(file + ": no 'step,loss' lines");
        }
        double[][] xy = new double[2][points.size()];
        for (int i = 0; i < points.size(); i++) {
            xy[0][i] = points.get(i)[0];
            xy[1][i] = points.get(i)[1];
        }
        return xy;
    }

    /** The mean of each point's last {@code window} losses (fewer at the start). */
    static double[][] movingAverage(double[][] xy, int window) {
        int n = xy[0].length;
        double[] y = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += xy[1][i];
            if (i >= window) {
                sum -= xy[1][i - window];
            }
            y[i] = sum / Math.min(i + 1, window);
        }
        return new double[][] {xy[0].clone(), y};
    }
}
