using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ModelCost.Benchmarks;

/// <summary>
/// CPU time of the calling thread (Linux CLOCK_THREAD_CPUTIME_ID), falling back to wall time.
/// On a machine shared with other work, CPU time of a one-thread run is a far steadier profile
/// than wall time (time spent descheduled is not counted).
/// </summary>
public static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec value);

    private static readonly bool Available = OperatingSystem.IsLinux() && Probe();

    private static bool Probe()
    {
        try { return ClockGetTime(ClockThreadCpuTimeId, out _) == 0; }
        catch (DllNotFoundException) { return false; }
        catch (EntryPointNotFoundException) { return false; }
    }

    public static string Kind => Available ? "thread CPU time" : "wall time";

    /// <summary>Seconds on an arbitrary origin.</summary>
    public static double Now()
    {
        if (Available && ClockGetTime(ClockThreadCpuTimeId, out var t) == 0) return t.Seconds + t.Nanoseconds * 1e-9;
        return Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
    }
}
