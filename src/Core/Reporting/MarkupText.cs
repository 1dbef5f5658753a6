using System.Text;

namespace ModelCost.Core.Reporting;

/// <summary>
/// Escaping for SVG/XHTML text and attribute values. Model names are user input and may hold
/// &lt;, &amp;, quotes or control characters that XML forbids; the latter become U+FFFD so the
/// output always parses.
/// </summary>
internal static class MarkupText
{
    internal static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        StringBuilder? sb = null;
        for (int i = 0; i < text.Length; i++)
        {
            var c = text[i];
            string? rep = c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => null,
            };
            if (rep is null)
            {
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    sb?.Append(c).Append(text[i + 1]);
                    i++;
                    continue;
                }
                if (!IsXmlChar(c)) rep = "\uFFFD";
            }
            if (rep is null) { sb?.Append(c); continue; }
            sb ??= new StringBuilder(text.Length + 16).Append(text, 0, i);
            sb.Append(rep);
        }
        return sb?.ToString() ?? text;
    }

    // XML 1.0 Char production, for a single UTF-16 unit (surrogate pairs are handled by the caller).
    private static bool IsXmlChar(char c) =>
        c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);

    /// <summary>Rough rendered width of <paramref name="text"/> in pixels for a sans-serif font of <paramref name="fontSize"/>.</summary>
    internal static double EstimateWidth(string text, double fontSize) => text.Length * fontSize * 0.6;
}
