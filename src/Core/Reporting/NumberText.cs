using System.Globalization;

namespace ModelCost.Core.Reporting;

/// <summary>Invariant-culture number formatting shared by summaries, charts and reports (1,234,567 style).</summary>
internal static class NumberText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    internal static string Count(long value) => value.ToString("N0", Inv);

    /// <summary>Integers with separators; other values to 4 significant digits, separators, no trailing zeros.</summary>
    internal static string Number(double value)
    {
        if (double.IsNaN(value)) return "n/a";
        if (double.IsInfinity(value)) return value > 0 ? "∞" : "-∞";
        if (value == 0) return "0";
        if (Math.Abs(value) >= 1e15) return value.ToString("0.###E+0", Inv);
        if (value == Math.Floor(value) && Math.Abs(value) >= 1) return value.ToString("N0", Inv);
        var magnitude = (int)Math.Floor(Math.Log10(Math.Abs(value)));
        var decimals = Math.Clamp(3 - magnitude, 0, 12);
        var s = Math.Round(value, decimals).ToString("N" + decimals.ToString(Inv), Inv);
        if (s.Contains('.')) s = s.TrimEnd('0').TrimEnd('.');
        return s;
    }

    internal static string Figure(FigureValue v) => v.Count is { } c ? Count(c) : v.Real is { } r ? Number(r) : "";

    /// <summary>A "times" factor: one decimal below 10 (4.1), whole above (25).</summary>
    internal static string Factor(double ratio) =>
        ratio < 9.95 ? ratio.ToString("0.0", Inv) : Math.Round(ratio).ToString("N0", Inv);

    /// <summary>Signed percentage points, two decimals: +1.56, -0.40.</summary>
    internal static string Points(double pts) => (pts >= 0 ? "+" : "-") + Math.Abs(pts).ToString("0.00", Inv);

    internal static string Fixed(double value, int decimals) => value.ToString("F" + decimals.ToString(Inv), Inv);
}
