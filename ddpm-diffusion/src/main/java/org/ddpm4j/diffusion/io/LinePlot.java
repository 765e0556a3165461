package org.ddpm4j.diffusion.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** A PNG line chart of named (x, y) series, for the report's curves (rate/distortion, guidance sweeps). */
public final class LinePlot {
    private LinePlot() {
    }

    /**
     * Writes {@code file} (PNG).
     *
     * @param series name → {x values, y values}, in the order given
     */
    public static void write(Path file, String title, String xLabel, String yLabel, Map<String, double[][]> series)
            throws IOException {
        write(file, title, xLabel, yLabel, series, false);
    }

    /**
     * Writes {@code file} (PNG), with a logarithmic x axis when {@code logX} (x values spanning decades, such as
     * network evaluations per sample).
     *
     * @param series name → {x values, y values}, in the order given
     */
    public static void write(Path file, String title, String xLabel, String yLabel, Map<String, double[][]> series,
            boolean logX) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel)
                .build();
        chart.getStyler().setXAxisLogarithmic(logX);
        series.forEach((name, xy) -> {
            if (xy.length != 2 || xy[0].length != xy[1].length || xy[0].length == 0) {
                throw new IllegalArgumentException("line plot series '" + name + "' needs equally long, non-empty x and y");
            }
            chart.addSeries(name, xy[0], xy[1]);
        });
        Charts.savePng(chart, file);
    }
}
