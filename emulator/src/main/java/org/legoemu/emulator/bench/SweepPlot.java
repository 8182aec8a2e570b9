package org.legoemu.emulator.bench;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The PNG figure of {@code lego bench memory --plot}: one row of two charts per sweep, runtime slowdown and ExCache
 * miss rate in misses per 1000 guest instructions (MPKI) against the ExCache size as a percentage of the working set,
 * drawn with XChart without a display ({@code java.awt.headless=true}); the shape of LegoOS's Figures 11 and 12.
 * MPKI rather than misses per lookup: lookups happen only on a hart's TLB misses, which grow with the evictions
 * (each one shoots its page down), so misses per lookup stays near 0.4 at every size while MPKI spans decades.
 * A y axis is logarithmic when its values span more than a factor of ten.
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
     * @param mpki      ExCache misses per 1000 guest instructions at each size
     */
    record Series(String name, double[] percent, double[] slowdown, double[] mpki)
    {
        Series
        {
            if (percent.length != slowdown.length || percent.length != mpki.length || percent.length == 0)
            {
                throw new IllegalArgumentException("series " + name + ": " + percent.length + " sizes, "
                    + slowdown.length + " slowdowns, " + mpki.length + " MPKI values");
            }
        }
    }

    /** One row of the figure: a titled sweep drawn as a slowdown chart and an MPKI chart. */
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
        write(rows, file, "runtime / runtime at 100 %");
    }

    /**
     * As {@link #write(List, Path)}, with {@code slowdownTitle} as the slowdown charts' y axis title (e.g. "modeled /
     * local" for {@code lego bench sweep}).
     *
     * @throws IOException if {@code file} cannot be written
     * @throws IllegalArgumentException if {@code rows} is empty
     */
    static void write(final List<Row> rows, final Path file, final String slowdownTitle) throws IOException
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
                    chart(row, row.title() + ": slowdown", slowdownTitle, true)), 0, y, null);
                g.drawImage(BitmapEncoder.getBufferedImage(
                    chart(row, row.title() + ": ExCache MPKI", "misses per 1000 instructions", false)),
                    PANEL_WIDTH_PX, y, null);
            }
        }
        finally
        {
            g.dispose();
        }
        if (!ImageIO.write(figure, "png", file.toFile()))
        {
            throw new IOException("no PNG writer in this JVM");
        }
    }

    /** The slowdown chart (with the legend) or the MPKI chart (same colours, no legend) of {@code row}. */
    private static XYChart chart(final Row row, final String title, final String yTitle, final boolean slowdown)
    {
        final XYChart chart = new XYChartBuilder().width(PANEL_WIDTH_PX).height(PANEL_HEIGHT_PX).title(title)
            .xAxisTitle("ExCache size (% of working set)").yAxisTitle(yTitle).build();
        final XYStyler styler = chart.getStyler();
        styler.setLegendPosition(Styler.LegendPosition.InsideNE);
        styler.setLegendVisible(slowdown);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setDecimalPattern("#0.###");
        styler.setXAxisMin(0.0);
        styler.setXAxisMax(100.0);
        double min = Double.MAX_VALUE;
        double max = 0;
        for (final Series s : row.series())
        {
            final double[] ys = slowdown ? s.slowdown() : s.mpki();
            for (final double v : ys)
            {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            chart.addSeries(s.name(), s.percent(), ys).setMarker(SeriesMarkers.CIRCLE);
        }
        if (min > 0 && max > 10 * min)
        {
            styler.setYAxisLogarithmic(true);
        }
        else
        {
            styler.setYAxisMin(0.0);
        }
        return chart;
    }
}
