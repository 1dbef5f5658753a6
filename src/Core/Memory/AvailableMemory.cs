using System.Globalization;

namespace ModelCost.Core.Memory;

/// <summary>
/// How much memory this process may still take, and what says so: the smallest of its cgroup's limit minus
/// its usage (v2 <c>memory.max</c>/<c>memory.current</c>, v1 <c>memory.limit_in_bytes</c>/<c>memory.usage_in_bytes</c>),
/// the kernel's <c>MemAvailable</c> (/proc/meminfo) and the .NET heap limit minus the heap in use
/// (<see cref="GC.GetGCMemoryInfo()"/>, which reflects <c>DOTNET_GCHeapHardLimit</c> and container limits on every OS).
/// </summary>
public sealed record AvailableMemory(long Bytes, string Source)
{
    /// <summary>Limits at or above this are "no limit" (cgroup v1 writes 2^63 rounded down to a page).</summary>
    private const long Unlimited = 1L << 60;

    /// <summary>Reads the current figures (cheap: a few small files).</summary>
    public static AvailableMemory Read() => Read("/proc", "/sys/fs/cgroup");

    /// <summary>Reads from other roots (tests give a fake /proc and cgroup tree).</summary>
    internal static AvailableMemory Read(string proc, string cgroupRoot)
    {
        var candidates = new List<(long Bytes, string Source)>();
        var gc = GC.GetGCMemoryInfo();
        long heapFree = gc.TotalAvailableMemoryBytes - GC.GetTotalMemory(forceFullCollection: false);
        candidates.Add((Math.Max(0, heapFree), Inv($".NET heap limit {Mb(gc.TotalAvailableMemoryBytes)} minus {Mb(GC.GetTotalMemory(false))} in use")));
        if (OperatingSystem.IsLinux() || Directory.Exists(proc))
        {
            if (MemInfoAvailable(Path.Combine(proc, "meminfo")) is { } avail)
                candidates.Add((avail, Inv($"MemAvailable {Mb(avail)} (/proc/meminfo)")));
            foreach (var c in CgroupRemaining(Path.Combine(proc, "self", "cgroup"), cgroupRoot))
                candidates.Add(c);
        }
        var least = candidates.MinBy(c => c.Bytes);
        return new AvailableMemory(least.Bytes, least.Source);
    }

    private static long? MemInfoAvailable(string meminfo)
    {
        try
        {
            foreach (var line in File.ReadLines(meminfo))
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                {
                    var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long kb)) return kb * 1024;
                }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        return null;
    }

    private static IEnumerable<(long, string)> CgroupRemaining(string selfCgroup, string root)
    {
        string[] lines;
        try { lines = File.ReadAllLines(selfCgroup); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { yield break; }
        foreach (var line in lines)
        {
            // "hierarchy-id:controllers:path": v2 is "0::/path", v1's memory controller "N:memory:/path".
            var parts = line.Split(':', 3);
            if (parts.Length != 3) continue;
            string rel = parts[2].TrimStart('/');
            string? dir = null, limitFile = null, usageFile = null;
            if (parts[0] == "0" && parts[1].Length == 0)
            {
                dir = Path.Combine(root, rel);
                if (!File.Exists(Path.Combine(dir, "memory.max"))) dir = Path.Combine(root, "unified", rel);
                (limitFile, usageFile) = ("memory.max", "memory.current");
            }
            else if (parts[1].Split(',').Contains("memory"))
            {
                dir = Path.Combine(root, "memory", rel);
                (limitFile, usageFile) = ("memory.limit_in_bytes", "memory.usage_in_bytes");
            }
            if (dir is null) continue;
            long? limit = ReadLong(Path.Combine(dir, limitFile!)), usage = ReadLong(Path.Combine(dir, usageFile!));
            if (limit is not { } l || l >= Unlimited) continue;
            long used = usage ?? 0;
            yield return (Math.Max(0, l - used), Inv($"cgroup limit {Mb(l)} minus {Mb(used)} in use ({Path.Combine(dir, limitFile!)})"));
        }
    }

    private static long? ReadLong(string file)
    {
        try
        {
            var text = File.ReadAllText(file).Trim();
            if (text == "max") return long.MaxValue;
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return null; }
    }

    internal static string Mb(long bytes) => (bytes / 1048576.0).ToString("N0", CultureInfo.InvariantCulture) + " MB";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
