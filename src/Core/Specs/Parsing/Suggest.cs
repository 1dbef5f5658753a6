namespace ModelCost.Core.Specs.Parsing;

/// <summary>"Did you mean" hints for misspelt keys, options and types.</summary>
internal static class Suggest
{
    /// <summary>The candidate closest to <paramref name="given"/>, or null when none is close enough to help.</summary>
    public static string? Closest(string given, IEnumerable<string> candidates)
    {
        if (string.IsNullOrEmpty(given) || given.Length > 64) return null;
        var g = Fold(given);
        string? best = null;
        int bestD = int.MaxValue;
        foreach (var c in candidates)
        {
            var f = Fold(c);
            if (f == g) return c; // same word, different case or underscores (kernelSize → kernel_size)
            int d = Distance(g, f);
            if (d < bestD) { bestD = d; best = c; }
        }
        return bestD <= Math.Max(2, g.Length / 3) ? best : null;
    }

    /// <summary>" Did you mean 'x'?" or empty.</summary>
    public static string Hint(string given, IEnumerable<string> candidates) =>
        Closest(given, candidates) is { } c ? $" Did you mean '{c}'?" : "";

    private static string Fold(string s) => s.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();

    private static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
