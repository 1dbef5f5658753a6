namespace ModelCost.Core.Reporting;

/// <summary>Axis ticks at "nice" steps (1, 2, 2.5 or 5 × 10^k) covering a range.</summary>
internal static class NiceScale
{
    internal static double NiceStep(double roughStep)
    {
        if (!(roughStep > 0) || !double.IsFinite(roughStep)) return 1;
        var exp = Math.Floor(Math.Log10(roughStep));
        var unit = Math.Pow(10, exp);
        var f = roughStep / unit;
        var nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        return nf * unit;
    }

    /// <summary>Ticks from a nice floor of <paramref name="min"/> to a nice ceiling of <paramref name="max"/>, about <paramref name="target"/> steps.</summary>
    internal static double[] Ticks(double min, double max, int target = 5)
    {
        if (!(max > min)) max = min + (min == 0 ? 1 : Math.Abs(min) * 0.1);
        var step = NiceStep((max - min) / target);
        var lo = Math.Floor(min / step + 1e-9) * step;
        var hi = Math.Ceiling(max / step - 1e-9) * step;
        var n = (int)Math.Round((hi - lo) / step);
        var ticks = new double[n + 1];
        for (int i = 0; i <= n; i++) ticks[i] = Math.Round((lo + i * step) / step) * step;
        return ticks;
    }
}
