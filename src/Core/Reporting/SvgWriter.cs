using System.Globalization;
using System.Text;

namespace ModelCost.Core.Reporting;

/// <summary>Small helpers that emit SVG elements with invariant coordinates and escaped text.</summary>
internal sealed class SvgWriter
{
    private readonly StringBuilder _sb = new();

    internal static string N(double v) => Math.Round(v, 2).ToString("0.##", CultureInfo.InvariantCulture);

    internal SvgWriter Raw(string s) { _sb.Append(s); return this; }

    internal void Open(double width, double height, string title)
    {
        _sb.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"").Append(N(width))
           .Append("\" height=\"").Append(N(height)).Append("\" viewBox=\"0 0 ").Append(N(width)).Append(' ').Append(N(height))
           .Append("\" role=\"img\" font-family=\"").Append(MarkupText.Escape(ChartPalette.FontFamily)).Append("\">\n");
        _sb.Append("<title>").Append(MarkupText.Escape(title)).Append("</title>\n");
        _sb.Append("<rect x=\"0\" y=\"0\" width=\"").Append(N(width)).Append("\" height=\"").Append(N(height)).Append("\" fill=\"#ffffff\"/>\n");
    }

    internal void Close() => _sb.Append("</svg>\n");

    internal void Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, string? dash = null)
    {
        _sb.Append("<line x1=\"").Append(N(x1)).Append("\" y1=\"").Append(N(y1)).Append("\" x2=\"").Append(N(x2)).Append("\" y2=\"").Append(N(y2))
           .Append("\" stroke=\"").Append(stroke).Append("\" stroke-width=\"").Append(N(width)).Append('"');
        if (dash is not null) _sb.Append(" stroke-dasharray=\"").Append(dash).Append('"');
        _sb.Append("/>\n");
    }

    internal void Rect(double x, double y, double w, double h, string fill, string? cssClass = null, params (string Name, string Value)[] data)
    {
        _sb.Append("<rect");
        if (cssClass is not null) _sb.Append(" class=\"").Append(cssClass).Append('"');
        foreach (var (name, value) in data) _sb.Append(' ').Append(name).Append("=\"").Append(MarkupText.Escape(value)).Append('"');
        _sb.Append(" x=\"").Append(N(x)).Append("\" y=\"").Append(N(y)).Append("\" width=\"").Append(N(w)).Append("\" height=\"").Append(N(h))
           .Append("\" fill=\"").Append(fill).Append("\"/>\n");
    }

    /// <summary>A text element; <paramref name="rotate"/> turns it about its anchor point (degrees).</summary>
    internal void Text(double x, double y, string text, double size, string anchor = "start", string fill = ChartPalette.Ink,
        bool bold = false, double rotate = 0, string? cssClass = null)
    {
        _sb.Append("<text");
        if (cssClass is not null) _sb.Append(" class=\"").Append(cssClass).Append('"');
        _sb.Append(" x=\"").Append(N(x)).Append("\" y=\"").Append(N(y)).Append("\" font-size=\"").Append(N(size))
           .Append("\" text-anchor=\"").Append(anchor).Append("\" fill=\"").Append(fill).Append('"');
        if (bold) _sb.Append(" font-weight=\"600\"");
        if (rotate != 0) _sb.Append(" transform=\"rotate(").Append(N(rotate)).Append(' ').Append(N(x)).Append(' ').Append(N(y)).Append(")\"");
        _sb.Append('>').Append(MarkupText.Escape(text)).Append("</text>\n");
    }

    internal void Polyline(IReadOnlyList<(double X, double Y)> points, string stroke, double width, string? dash, string? cssClass = null, string? dataSeries = null)
    {
        _sb.Append("<polyline");
        if (cssClass is not null) _sb.Append(" class=\"").Append(cssClass).Append('"');
        if (dataSeries is not null) _sb.Append(" data-series=\"").Append(MarkupText.Escape(dataSeries)).Append('"');
        _sb.Append(" fill=\"none\" stroke=\"").Append(stroke).Append("\" stroke-width=\"").Append(N(width)).Append("\" stroke-linejoin=\"round\"");
        if (dash is not null) _sb.Append(" stroke-dasharray=\"").Append(dash).Append('"');
        _sb.Append(" points=\"");
        for (int i = 0; i < points.Count; i++)
        {
            if (i > 0) _sb.Append(' ');
            _sb.Append(N(points[i].X)).Append(',').Append(N(points[i].Y));
        }
        _sb.Append("\"/>\n");
    }

    internal void Circle(double cx, double cy, double r, string fill, string? stroke = null)
    {
        _sb.Append("<circle cx=\"").Append(N(cx)).Append("\" cy=\"").Append(N(cy)).Append("\" r=\"").Append(N(r)).Append("\" fill=\"").Append(fill).Append('"');
        if (stroke is not null) _sb.Append(" stroke=\"").Append(stroke).Append("\" stroke-width=\"1.5\"");
        _sb.Append("/>\n");
    }

    public override string ToString() => _sb.ToString();
}
