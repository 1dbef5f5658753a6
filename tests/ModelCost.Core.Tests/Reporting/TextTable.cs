using System.Globalization;
using System.Text;

namespace ModelCost.Core.Tests.Reporting;

/// <summary>Plain-text tables laid out like PowerShell's Format-Table -AutoSize, for the examples README.</summary>
internal static class TextTable
{
    internal static string Format(IReadOnlyList<string> headers, IEnumerable<object?[]> rows)
    {
        var cells = rows.Select(r => r.Select(Cell).ToArray()).ToList();
        var numeric = headers.Select((_, i) => cells.Count > 0 && cells.All(r => r[i].Numeric || r[i].Text.Length == 0)).ToArray();
        var widths = headers.Select((h, i) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(r => r[i].Text.Length))).ToArray();
        var sb = new StringBuilder();
        string Pad(string s, int i) => numeric[i] ? s.PadLeft(widths[i]) : s.PadRight(widths[i]);
        sb.AppendLine(string.Join(' ', headers.Select((h, i) => Pad(h, i))).TrimEnd());
        sb.AppendLine(string.Join(' ', headers.Select((h, i) => Pad(new string('-', h.Length), i))).TrimEnd());
        foreach (var r in cells) sb.AppendLine(string.Join(' ', r.Select((c, i) => Pad(c.Text, i))).TrimEnd());
        return sb.ToString();
    }

    // PowerShell prints integers plainly and doubles with their shortest round-trip form.
    private static (string Text, bool Numeric) Cell(object? v) => v switch
    {
        null => ("", false),
        long or int => (Convert.ToString(v, CultureInfo.InvariantCulture)!, true),
        double d => (double.IsNaN(d) ? "NaN" : d.ToString(CultureInfo.InvariantCulture), true),
        _ => (Convert.ToString(v, CultureInfo.InvariantCulture) ?? "", false),
    };
}
