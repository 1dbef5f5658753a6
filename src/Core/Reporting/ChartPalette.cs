namespace ModelCost.Core.Reporting;

/// <summary>Okabe–Ito colours: distinguishable with the common colour-vision deficiencies and in greyscale print.</summary>
internal static class ChartPalette
{
    private static readonly string[] Colors = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

    internal static string At(int i) => Colors[((i % Colors.Length) + Colors.Length) % Colors.Length];

    internal const string FontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif";
    internal const string Ink = "#1f2328";
    internal const string Muted = "#59636e";
    internal const string Grid = "#d8dee4";
}
