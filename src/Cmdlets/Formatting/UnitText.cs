using System.Globalization;

namespace ModelCost.PS.Formatting;

/// <summary>
/// Human units for the module's views (module/ModelCost.PS.Format.ps1xml): durations in
/// ns/µs/ms/s/min/h, bytes in B/KB/MB/GB/TB (1024-based, as Keras' summary and the SizeMB
/// properties), operation counts with SI prefixes (K, M, G, T, P), counts with thousands
/// separators. Views only: the objects keep raw numbers for Export-Csv and Where-Object.
/// Always invariant culture, so a view reads the same on every machine. Scaled values keep three
/// significant digits (34.6 µs, 1.41 M, 918 KB), enough to compare and short enough for 80 columns.
/// Public because the views' script blocks call it by type name; its signatures use only
/// primitive types, so PowerShell can load it before the module's load context is in place.
/// </summary>
public static class UnitText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly string[] ByteUnits = ["B", "KB", "MB", "GB", "TB", "PB"];
    private static readonly string[] SiPrefixes = ["", " K", " M", " G", " T", " P", " E"];

    /// <summary>A duration given in seconds: "850 ns", "34.6 µs", "1.41 ms", "3.36 s", "2.50 min", "1.20 h"; "" when missing or not finite.</summary>
    public static string Duration(object? seconds)
    {
        if (ToDouble(seconds) is not double s) return "";
        double a = Math.Abs(s);
        if (a == 0) return "0 s";
        return a switch
        {
            < 1e-6 => Significant(s * 1e9) + " ns",
            < 1e-3 => Significant(s * 1e6) + " µs",
            < 1 => Significant(s * 1e3) + " ms",
            < 120 => Significant(s) + " s",
            < 7200 => Significant(s / 60) + " min",
            _ => Significant(s / 3600) + " h",
        };
    }

    /// <summary>A byte count: "940 B", "918 KB", "1.79 MB", "528 MB", "1.20 GB" (1 KB = 1024 B); "" when missing.</summary>
    public static string Bytes(object? bytes)
    {
        if (ToDouble(bytes) is not double b) return "";
        int unit = 0;
        double v = b;
        // Step up while the three significant digits would need four places (1023.9 KB reads better as 1.00 MB).
        while (unit < ByteUnits.Length - 1 && Math.Abs(Round3(v)) >= 1000)
        {
            v /= 1024;
            unit++;
        }
        return (unit == 0 ? Math.Round(v).ToString("0", Inv) : Significant(v)) + " " + ByteUnits[unit];
    }

    /// <summary>An operation count or rate with an SI prefix: "650", "470 K", "1.41 M", "15.5 G"; "" when missing.</summary>
    public static string Si(object? value)
    {
        if (ToDouble(value) is not double v) return "";
        int prefix = 0;
        while (prefix < SiPrefixes.Length - 1 && Math.Abs(Round3(v)) >= 1000)
        {
            v /= 1000;
            prefix++;
        }
        return (prefix == 0 && v == Math.Floor(v) ? v.ToString("0", Inv) : Significant(v)) + SiPrefixes[prefix];
    }

    /// <summary>A count with thousands separators: "1,413,504"; "" when missing.</summary>
    public static string Count(object? value) =>
        ToDouble(value) is double v ? Math.Round(v).ToString("#,0", Inv) : "";

    /// <summary>A fixed number of decimals: Fixed(0.84934, 4) = "0.8493"; "" when missing or not finite.</summary>
    public static string Fixed(object? value, int decimals) =>
        ToDouble(value) is double v ? v.ToString("F" + decimals.ToString(Inv), Inv) : "";

    /// <summary>A ratio as a factor: "1.00x", "0.24x", "12.3x"; "" when missing.</summary>
    public static string Factor(object? value) =>
        ToDouble(value) is double v ? (Math.Abs(v) >= 10 ? Significant(v) : v.ToString("0.00", Inv)) + "x" : "";

    /// <summary>Signed percentage points: "+1.56", "-0.40", "0.00"; "" when missing.</summary>
    public static string Points(object? value) =>
        ToDouble(value) is double v ? v.ToString("+0.00;-0.00;0.00", Inv) : "";

    /// <summary>
    /// A value to show in a list beside its exact form: "918 KB (940,584 bytes)". Lists show the
    /// full data, so the exact number stays visible next to the readable one.
    /// </summary>
    public static string BytesExact(object? bytes) =>
        ToDouble(bytes) is double b ? Bytes(b) + " (" + Count(b) + " bytes)" : "";

    /// <summary>A rate of operations: "22.5 GFLOP/s"; "" when missing.</summary>
    public static string FlopRate(object? flopsPerSecond)
    {
        var si = Si(flopsPerSecond);
        if (si.Length == 0) return "";
        int space = si.IndexOf(' ');
        return space < 0 ? si + " FLOP/s" : si[..space] + " " + si[(space + 1)..] + "FLOP/s";
    }

    /// <summary>Three significant digits, no exponent: 34.6, 1.41, 528, 1234 (values of 1000 and above keep their integer digits).</summary>
    internal static string Significant(double v)
    {
        double a = Math.Abs(Round3(v));
        string format = a >= 100 ? "0" : a >= 10 ? "0.0" : "0.00";
        return Round3(v).ToString(format, Inv);
    }

    /// <summary>Rounds to three significant digits (so 999.6 becomes 1000 and moves to the next unit).</summary>
    private static double Round3(double v)
    {
        if (v == 0 || !double.IsFinite(v)) return v;
        int digits = 2 - (int)Math.Floor(Math.Log10(Math.Abs(v)));
        return digits >= 0 ? Math.Round(v, Math.Min(digits, 15)) : Math.Round(v / Math.Pow(10, -digits)) * Math.Pow(10, -digits);
    }

    /// <summary>
    /// Numbers as the views see them: raw numbers, or (from Import-Clixml, remoting, jobs) the same
    /// numbers deserialized, possibly wrapped in a PSObject or as strings. Null, NaN and infinities are missing.
    /// </summary>
    private static double? ToDouble(object? value)
    {
        if (value is System.Management.Automation.PSObject pso) value = pso.BaseObject;
        double d;
        switch (value)
        {
            case null: return null;
            case double x: d = x; break;
            case float x: d = x; break;
            case long x: d = x; break;
            case int x: d = x; break;
            case decimal x: d = (double)x; break;
            case IConvertible c when value is not string:
                try { d = c.ToDouble(Inv); } catch (FormatException) { return null; } catch (InvalidCastException) { return null; }
                break;
            case string s when double.TryParse(s, NumberStyles.Float, Inv, out var parsed): d = parsed; break;
            default: return null;
        }
        return double.IsFinite(d) ? d : null;
    }
}
