using ModelCost.Core.IO;

namespace ModelCost.Core.Reporting;

/// <summary>
/// Renders <see cref="ChartData"/> as a self-contained SVG bar chart (no scripts, fonts or links).
/// One property: bars on a true axis with nice ticks in the property's unit. Several properties: grouped
/// bars, each property scaled to its own largest value (that bar reaches 100%), because Params and
/// FLOPs differ by orders of magnitude and a shared axis would flatten the smaller one; the y axis then
/// reads "% of each property's largest value" and every bar carries its real value as a label.
/// Numbers use the invariant culture with thousands separators (1,234,567).
/// </summary>
public static class SvgBarChart
{
    private const double PlotHeight = 300, TitleSize = 17, LabelSize = 12, ValueSize = 11, MarginLeft = 88, MarginRight = 24;

    public static string Render(ChartData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        data.Validate();
        int nCat = data.Categories.Count, nSer = data.Series.Count;
        bool normalised = nSer > 1;

        var valueLabels = data.Series.Select(s => s.Values.Select(v => v is { } x ? Format(x, s.IsCount) : "n/a").ToArray()).ToArray();
        var widest = valueLabels.SelectMany(l => l).Max(l => MarkupText.EstimateWidth(l, ValueSize));
        var barWidth = Math.Clamp(widest + 8, 30, 96);
        var groupGap = Math.Max(24, barWidth * 0.7);
        var groupWidth = nSer * barWidth;
        // Widen the slots so category labels fit flat, unless that makes the chart too wide; then they are rotated.
        var catLabelWidth = data.Categories.Max(c => MarkupText.EstimateWidth(c, LabelSize));
        if (catLabelWidth + 16 > groupWidth + groupGap && nCat * (catLabelWidth + 16) <= 960)
            groupGap = catLabelWidth + 16 - groupWidth;
        var plotWidth = nCat * (groupWidth + groupGap);

        // Legend (only with several series) wraps into rows no wider than the plot.
        var legendItems = data.Series.Select(s => s.Name).ToArray();
        var legendRows = new List<List<(string Text, int Index, double Width)>>();
        if (normalised)
        {
            var maxRow = Math.Max(plotWidth, 360);
            var row = new List<(string, int, double)>();
            double used = 0;
            for (int i = 0; i < legendItems.Length; i++)
            {
                var w = 18 + MarkupText.EstimateWidth(legendItems[i], LabelSize) + 18;
                if (row.Count > 0 && used + w > maxRow) { legendRows.Add(row); row = []; used = 0; }
                row.Add((legendItems[i], i, w));
                used += w;
            }
            legendRows.Add(row);
        }

        var rotateCats = catLabelWidth > groupWidth + groupGap - 6;
        var bottom = rotateCats ? Math.Min(200, catLabelWidth * 0.6 + 30) : 40;
        var top = 40 + (legendRows.Count * 22) + (normalised ? 28 : 6) + 16;
        var titleWidth = MarkupText.EstimateWidth(data.Title, TitleSize);
        var captionWidth = normalised ? MarkupText.EstimateWidth(NormalisedCaption, ValueSize) : 0;
        var legendWidth = legendRows.Count == 0 ? 0 : legendRows.Max(r => r.Sum(x => x.Width));
        // Every line of text must fit: the plot, the title, the caption and the legend decide the width.
        var width = new[] { MarginLeft + plotWidth + MarginRight, titleWidth + 40, captionWidth + 2 * TextMargin,
            legendWidth + 2 * TextMargin, 420.0 }.Max();
        var height = top + PlotHeight + bottom;
        // When text makes the image wider than the plot needs, the plot is centred.
        var x0 = MarginLeft + (width - (MarginLeft + plotWidth + MarginRight)) / 2;
        var y0 = top + PlotHeight; // baseline of the bars

        var svg = new SvgWriter();
        svg.Open(width, height, data.Title);
        svg.Text(width / 2, 28, data.Title, TitleSize, "middle", bold: true, cssClass: "chart-title");

        double legendY = 52;
        foreach (var row in legendRows)
        {
            var rowWidth = row.Sum(r => r.Width);
            var lx = CentredStart(x0 + plotWidth / 2, rowWidth, width);
            foreach (var (text, index, w) in row)
            {
                svg.Rect(lx, legendY - 10, 12, 12, ChartPalette.At(index), "legend-swatch");
                svg.Text(lx + 18, legendY, text, LabelSize, cssClass: "legend");
                lx += w;
            }
            legendY += 22;
        }
        if (normalised)
            svg.Text(CentredStart(x0 + plotWidth / 2, captionWidth, width) + captionWidth / 2, legendY + 2, NormalisedCaption, ValueSize, "middle", ChartPalette.Muted, cssClass: "caption");

        // Axis: real units with one series; percent of each series' maximum with several.
        double[] ticks;
        double scaleMax;
        if (normalised)
        {
            ticks = [0, 0.25, 0.5, 0.75, 1.0];
            scaleMax = 1;
        }
        else
        {
            var max = data.Series[0].Values.Max(v => v ?? 0);
            ticks = NiceScale.Ticks(0, max > 0 ? max : 1);
            scaleMax = ticks[^1];
        }
        foreach (var t in ticks)
        {
            var y = y0 - t / scaleMax * PlotHeight;
            svg.Line(x0, y, x0 + plotWidth, y, t == 0 ? ChartPalette.Muted : ChartPalette.Grid);
            var label = normalised ? NumberText.Number(t * 100) + "%" : Format(t, data.Series[0].IsCount && t == Math.Floor(t));
            svg.Text(x0 - 8, y + 4, label, ValueSize, "end", ChartPalette.Muted, cssClass: "tick");
        }
        var axisTitle = normalised ? "% of largest value" : data.Series[0].Name;
        svg.Text(x0 - MarginLeft + 18, y0 - PlotHeight / 2, axisTitle, LabelSize, "middle", ChartPalette.Muted, rotate: -90, cssClass: "axis-title");

        for (int c = 0; c < nCat; c++)
        {
            var gx = x0 + groupGap / 2 + c * (groupWidth + groupGap);
            for (int s = 0; s < nSer; s++)
            {
                var series = data.Series[s];
                var bx = gx + s * barWidth;
                var value = series.Values[c];
                if (value is not { } v)
                {
                    svg.Text(bx + barWidth / 2, y0 - 6, "n/a", ValueSize, "middle", ChartPalette.Muted, cssClass: "value-label");
                    continue;
                }
                var denominator = normalised ? series.Values.Max(x => x ?? 0) : scaleMax;
                var h = denominator > 0 ? v / denominator * PlotHeight : 0;
                svg.Rect(bx + 2, y0 - h, barWidth - 4, h, ChartPalette.At(s), "bar",
                    ("data-series", series.Name), ("data-category", data.Categories[c]), ("data-value", System.Xml.XmlConvert.ToString(v)));
                svg.Text(bx + barWidth / 2, y0 - h - 5, valueLabels[s][c], ValueSize, "middle", cssClass: "value-label");
            }
            var cx = gx + groupWidth / 2;
            if (rotateCats)
                svg.Text(cx, y0 + 16, data.Categories[c], LabelSize, "end", rotate: -35, cssClass: "category");
            else
                svg.Text(cx, y0 + 20, data.Categories[c], LabelSize, "middle", cssClass: "category");
        }
        svg.Close();
        return svg.ToString();
    }

    /// <summary>Writes the chart atomically (temp file + rename); <paramref name="overwrite"/> false fails with FileExists.</summary>
    public static void Save(ChartData data, string path, bool overwrite = true, CancellationToken cancellationToken = default)
    {
        var svg = Render(data);
        AtomicFile.WriteText(path, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg, overwrite, cancellationToken);
    }

    /// <summary>
    /// Charts are SVG only: a path ending in another extension (.png, .jpg, .pdf) would get SVG text under a
    /// misleading name, so Export-ModelCostChart refuses it (before anything is written) with this check.
    /// </summary>
    public static void CheckExtension(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var ext = Path.GetExtension(path);
        if (ext.Equals(".svg", StringComparison.OrdinalIgnoreCase)) return;
        throw new ModelCost.Core.Errors.ModelCostException(ModelCost.Core.Errors.ErrorIds.UnsupportedChartFormat, ModelCost.Core.Errors.ModelCostErrorCategory.InvalidArgument,
            $"Charts are written as SVG, so the file name must end in .svg, not {(ext.Length == 0 ? "no extension" : $"'{ext}'")} ('{path}'). " +
            "Browsers, Word and LibreOffice open SVG; for a PNG convert it, e.g. rsvg-convert chart.svg -o chart.png.", path)
        { File = path, Option = "Path" };
    }

    private const string NormalisedCaption = "Each property is scaled to its own largest value; labels show the real numbers.";

    /// <summary>Space kept between centred text and the image edge.</summary>
    private const double TextMargin = 12;

    /// <summary>Left edge of a line <paramref name="textWidth"/> wide centred on <paramref name="centre"/>, moved inside [margin, width − margin].</summary>
    private static double CentredStart(double centre, double textWidth, double width) =>
        Math.Clamp(centre - textWidth / 2, TextMargin, Math.Max(TextMargin, width - TextMargin - textWidth));

    private static string Format(double v, bool isCount) =>
        isCount && v == Math.Floor(v) && Math.Abs(v) < 9.2e18 ? NumberText.Count((long)v) : NumberText.Number(v);
}
