using ModelCost.Core.Errors;

namespace ModelCost.Core.Tests.IO;

/// <summary>
/// Runs a parser on one fuzz input written to a file and checks the three promises of issue 7:
/// only <see cref="ModelCostException"/> escapes, the call ends within a time bound, and the bytes
/// allocated stay within a bound set by the file's real length, not by numbers inside it.
/// </summary>
internal static class FuzzHarness
{
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(10);

    /// <summary>1 MiB of fixed overhead (stream buffers, JSON DOM) plus 32 bytes per byte of input.</summary>
    public static long AllocationBound(long fileLength) => (1L << 20) + 32 * fileLength;

    public static bool Check(TempFolder tmp, byte[] input, Action<string> parse, out string failure)
    {
        var path = tmp.File("fuzz-" + Guid.NewGuid().ToString("N")[..8]);
        File.WriteAllBytes(path, input);
        Exception? unexpected = null;
        long allocated = 0;
        var run = Task.Run(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try { parse(path); }
            catch (ModelCostException) { }
            catch (Exception ex) { unexpected = ex; }
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        });
        try
        {
            if (!run.Wait(TimeLimit))
            {
                failure = $"did not finish within {TimeLimit.TotalSeconds} s on {input.Length} bytes: {Convert.ToHexString(input.AsSpan(0, Math.Min(64, input.Length)))}";
                return false;
            }
        }
        finally
        {
            if (run.IsCompleted) File.Delete(path);
        }
        if (unexpected is not null)
        {
            failure = $"threw {unexpected.GetType().Name}: {unexpected.Message} on {Convert.ToHexString(input.AsSpan(0, Math.Min(64, input.Length)))}";
            return false;
        }
        if (allocated > AllocationBound(input.Length))
        {
            failure = $"allocated {allocated} bytes for a {input.Length}-byte input (bound {AllocationBound(input.Length)})";
            return false;
        }
        failure = "";
        return true;
    }

    /// <summary>Deterministic mutation of a valid file: flips, truncation, extreme-value fields, appended bytes, spliced copies.</summary>
    public static byte[] Mutate(byte[] valid, int kind, int position, int seed)
    {
        var r = new Random(seed);
        var b = (byte[])valid.Clone();
        int pos = valid.Length == 0 ? 0 : (int)((uint)position % (uint)valid.Length);
        int[] extremes = [0, 1, -1, int.MaxValue, int.MinValue, 0x7FFFFFF0, 0x00010000, 255];
        switch ((uint)kind % 6)
        {
            case 0: // flip a few random bytes
                for (int i = 0, n = 1 + r.Next(4); i < n && b.Length > 0; i++) b[r.Next(b.Length)] ^= (byte)(1 + r.Next(255));
                return b;
            case 1: // truncate
                return b[..pos];
            case 2: // an extreme 32-bit value at an aligned header position (big- or little-endian alike)
            {
                int at = Math.Min(pos & ~3, Math.Max(0, b.Length - 4));
                int v = extremes[r.Next(extremes.Length)];
                for (int i = 0; i < 4 && at + i < b.Length; i++) b[at + i] = (byte)(v >> (8 * (3 - i)));
                return b;
            }
            case 3: // an extreme 64-bit little-endian value (safetensors' header length and friends)
            {
                int at = Math.Min(pos & ~7, Math.Max(0, b.Length - 8));
                ulong v = r.Next(3) switch { 0 => 1UL << 63, 1 => ulong.MaxValue, _ => (ulong)r.NextInt64() };
                for (int i = 0; i < 8 && at + i < b.Length; i++) b[at + i] = (byte)(v >> (8 * i));
                return b;
            }
            case 4: // append garbage
            {
                var extra = new byte[1 + r.Next(64)];
                r.NextBytes(extra);
                return [.. b, .. extra];
            }
            default: // duplicate a slice into another place (shifts structure)
            {
                int len = Math.Min(1 + r.Next(16), b.Length - pos);
                return [.. b[..pos], .. b.AsSpan(pos, len).ToArray(), .. b[pos..]];
            }
        }
    }
}
