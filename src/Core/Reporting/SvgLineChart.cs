using ModelCost.Core.Errors;

namespace ModelCost.Core.Reporting;

/// <summary>
/// Renders <see cref="LineChartData"/> as a self-contained SVG line chart: nice ticks on both axes
/// (the y range hugs the data so small accuracy changes stay visible), points marked, NaN values left
/// as gaps, a legend below the plot.
/// </summary>
public static class SvgLineChart
{
    private const double PlotWidth = 430, PlotHeight = 250, MarginLeft = 72, MarginRight = 24, Top = 48, TitleSize = 16, LabelSize = 12, TickSize = 11;

    public static string Render(LineChartData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Series is null || data.Series.Count == 0)
            throw new ModelCostException(ErrorIds.InvalidChartData, ModelCostErrorCategory.InvalidData, $"The line chart '{data.Title}' has no series.");
        foreach (var s in data.Series)
            if (s.X is null || s.Y is null || s.X.Count != s.Y.Count)
                throw new ModelCostException(ErrorIds.InvalidChartData, ModelCostErrorCategory.InvalidData,
                    $"Series '{s.Name}' has {s.X?.Count ?? 0} x values and {s.Y?.Count ?? 0} y values.");

        var points = data.Series.SelectMany(s => s.X.Zip(s.Y)).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second)).ToArray();
        double xMin = points.Length > 0 ? points.Min(p => p.First) : 0, xMax = points.Length > 0 ? points.Max(p => p.First) : 1;
        double yMin = points.Length > 0 ? points.Min(p => p.Second) : 0, yMax = points.Length > 0 ? points.Max(p => p.Second) : 1;
        if (xMax <= xMin) { xMin -= 1; xMax += 1; }
        if (yMax <= yMin) { var pad = yMin == 0 ? 1 : Math.Abs(yMin) * 0.05; yMin -= pad; yMax += pad; }
        var yTicks = NiceScale.Ticks(yMin, yMax, 5);
        var xTicks = xMax - xMin <= 12 && xMin == Math.Floor(xMin) && xMax == Math.Floor(xMax)
            ? Enumerable.Range(0, (int)(xMax - xMin) + 1).Select(i => xMin + i).ToArray()
            : NiceScale.Ticks(xMin, xMax, 6);
        double xLo = xTicks[0], xHi = xTicks[^1], yLo = yTicks[0], yHi = yTicks[^1];

        // Legend rows under the plot.
        var legendRows = new List<List<(LineSeries S, double W)>>();
        var row = new List<(LineSeries, double)>();
        double used = 0;
        static double ItemWidth(LineSeries s) => 34 + MarkupText.EstimateWidth(s.Name, LabelSize) + 16;
        // When everything does not fit on one line, give each colour (model) its own line: train and validation side by side.
        var byColour = data.Series.Sum(ItemWidth) > PlotWidth;
        int? lastColour = null;
        foreach (var s in data.Series)
        {
            var w = ItemWidth(s);
            var newColour = byColour && lastColour is not null && s.ColorIndex != lastColour;
            lastColour = s.ColorIndex;
            if (row.Count > 0 && (newColour || used + w > PlotWidth)) { legendRows.Add(row); row = []; used = 0; }
            row.Add((s, w));
            used += w;
        }
        legendRows.Add(row);

        var width = MarginLeft + PlotWidth + MarginRight;
        var plotBottom = Top + PlotHeight;
        var height = plotBottom + 48 + legendRows.Count * 20 + 8;
        double X(double x) => MarginLeft + (x - xLo) / (xHi - xLo) * PlotWidth;
        double Y(double y) => plotBottom - (y - yLo) / (yHi - yLo) * PlotHeight;

        var svg = new SvgWriter();
        svg.Open(width, height, data.Title);
        svg.Text(width / 2, 26, data.Title, TitleSize, "middle", bold: true, cssClass: "chart-title");
        foreach (var t in yTicks)
        {
            svg.Line(MarginLeft, Y(t), MarginLeft + PlotWidth, Y(t), t == yLo ? ChartPalette.Muted : ChartPalette.Grid);
            svg.Text(MarginLeft - 8, Y(t) + 4, NumberText.Number(t), TickSize, "end", ChartPalette.Muted, cssClass: "tick");
        }
        foreach (var t in xTicks)
        {
            svg.Line(X(t), plotBottom, X(t), plotBottom + 4, ChartPalette.Muted);
            svg.Text(X(t), plotBottom + 17, NumberText.Number(t), TickSize, "middle", ChartPalette.Muted, cssClass: "tick");
        }
        svg.Text(MarginLeft + PlotWidth / 2, plotBottom + 36, data.XLabel, LabelSize, "middle", ChartPalette.Muted, cssClass: "axis-title");
        svg.Text(18, Top + PlotHeight / 2, data.YLabel, LabelSize, "middle", ChartPalette.Muted, rotate: -90, cssClass: "axis-title");

        foreach (var s in data.Series)
        {
            var color = ChartPalette.At(s.ColorIndex);
            var segment = new List<(double, double)>();
            void Flush()
            {
                if (segment.Count > 1) svg.Polyline(segment, color, 2, s.Dashed ? "6 4" : null, "curve", s.Name);
                segment = [];
            }
            for (int i = 0; i < s.X.Count; i++)
            {
                if (!double.IsFinite(s.X[i]) || !double.IsFinite(s.Y[i])) { Flush(); continue; }
                segment.Add((X(s.X[i]), Y(s.Y[i])));
            }
            Flush();
            for (int i = 0; i < s.X.Count; i++)
                if (double.IsFinite(s.X[i]) && double.IsFinite(s.Y[i]))
                    svg.Circle(X(s.X[i]), Y(s.Y[i]), 3, s.Dashed ? "#ffffff" : color, s.Dashed ? color : null);
        }

        var ly = plotBottom + 62;
        foreach (var r in legendRows)
        {
            var lx = MarginLeft + Math.Max(0, (PlotWidth - r.Sum(i => i.W)) / 2);
            foreach (var (s, w) in r)
            {
                svg.Line(lx, ly - 4, lx + 26, ly - 4, ChartPalette.At(s.ColorIndex), 2, s.Dashed ? "6 4" : null);
                svg.Text(lx + 32, ly, s.Name, LabelSize, cssClass: "legend");
                lx += w;
            }
            ly += 20;
        }
        svg.Close();
        return svg.ToString();
    }
}
