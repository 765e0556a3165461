package org.ddpm4j.diffusion.io;

import java.io.IOException;
import java.nio.file.Path;
import org.ddpm4j.tensor.Tensor;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** A PNG scatter plot of 2-D samples over 2-D data, for the toy data sets. */
public final class ScatterPlot {
    private ScatterPlot() {
    }

    /** Writes {@code file} (PNG) with the data in grey and the samples on top; both tensors are {@code [N, 2]}. */
    public static void write(Path file, String title, Tensor data, Tensor samples) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(800).title(title).xAxisTitle("x").yAxisTitle("y").build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(3);
        chart.getStyler().setChartTitleVisible(true);
        add(chart, "data", data, new java.awt.Color(160, 160, 160));
        add(chart, "samples", samples, new java.awt.Color(200, 40, 40));
        Charts.savePng(chart, file);
    }

    private static void add(XYChart chart, String name, Tensor points, java.awt.Color color) {
        if (points.rank() != 2 || points.dim(1) != 2) {
            throw new IllegalArgumentException("scatter plot: " + name + " must be [N, 2] but is " + points.shapeString());
        }
        int n = points.dim(0);
        double[] x = new double[n], y = new double[n];
        float[] xy = points.toArray();
        for (int i = 0; i < n; i++) {
            x[i] = xy[2 * i];
            y[i] = xy[2 * i + 1];
        }
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(color);
    }
}
