package org.legoemu.emulator.bench;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The PNG figure of {@code lego bench memory --plot}: one row of two charts per sweep (runtime slowdown and ExCache
 * miss rate against the ExCache size as a percentage of the working set), drawn with XChart without a display
 * ({@code java.awt.headless=true}), the shape of LegoOS's Figures 11 and 12.
 */
final class SweepPlot
{
    private static final int PANEL_WIDTH_PX = 600;
    private static final int PANEL_HEIGHT_PX = 380;

    /**
     * One line of a chart.
     *
     * @param name      legend label
     * @param percent   ExCache sizes, percent of the working set
     * @param slowdown  runtime at each size over the runtime at 100 %
     * @param missRate  ExCache misses over lookups at each size, in [0, 1]
     */
    record Series(String name, double[] percent, double[] slowdown, double[] missRate)
    {
        Series
        {
            if (percent.length != slowdown.length || percent.length != missRate.length || percent.length == 0)
            {
                throw new IllegalArgumentException("series " + name + ": " + percent.length + " sizes, "
                    + slowdown.length + " slowdowns, " + missRate.length + " miss rates");
            }
        }
    }

    /** One row of the figure: a titled sweep drawn as a slowdown chart and a miss-rate chart. */
    record Row(String title, List<Series> series)
    {
    }

    private SweepPlot()
    {
    }

    /**
     * Draws {@code rows} and writes them to {@code file} as one PNG, {@value #PANEL_WIDTH_PX} px wide per chart.
     *
     * @throws IOException if {@code file} cannot be written
     * @throws IllegalArgumentException if {@code rows} is empty
     */
    static void write(final List<Row> rows, final Path file) throws IOException
    {
        if (rows.isEmpty())
        {
            throw new IllegalArgumentException("nothing to plot");
        }
        System.setProperty("java.awt.headless", "true");
        final BufferedImage figure = new BufferedImage(
            2 * PANEL_WIDTH_PX, rows.size() * PANEL_HEIGHT_PX, BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = figure.createGraphics();
        try
        {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, figure.getWidth(), figure.getHeight());
            for (int i = 0; i < rows.size(); i++)
            {
                final Row row = rows.get(i);
                final int y = i * PANEL_HEIGHT_PX;
                g.drawImage(BitmapEncoder.getBufferedImage(
                    chart(row, row.title() + ": runtime slowdown", "slowdown vs 100 % (x)", true)), 0, y, null);
                g.drawImage(BitmapEncoder.getBufferedImage(
                    chart(row, row.title() + ": ExCache miss rate", "misses / lookups", false)), PANEL_WIDTH_PX, y,
                    null);
            }
        }
        finally
        {
            g.dispose();
        }
        final Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent))
        {
            throw new IOException("no directory " + parent);
        }
        if (!ImageIO.write(figure, "png", file.toFile()))
        {
            throw new IOException("no PNG writer in this JVM");
        }
    }

    private static XYChart chart(final Row row, final String title, final String yTitle, final boolean slowdown)
    {
        final XYChart chart = new XYChartBuilder().width(PANEL_WIDTH_PX).height(PANEL_HEIGHT_PX).title(title)
            .xAxisTitle("ExCache size (% of working set)").yAxisTitle(yTitle).build();
        final XYStyler styler = chart.getStyler();
        styler.setLegendPosition(Styler.LegendPosition.InsideNE);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setDecimalPattern("#0.###");
        styler.setXAxisMin(0.0);
        styler.setXAxisMax(100.0);
        if (!slowdown)
        {
            styler.setYAxisMin(0.0);
        }
        for (final Series s : row.series())
        {
            final XYSeries line = chart.addSeries(s.name(), s.percent(), slowdown ? s.slowdown() : s.missRate());
            line.setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }
}
