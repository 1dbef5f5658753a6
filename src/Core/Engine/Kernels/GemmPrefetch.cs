using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace ModelCost.Core.Engine.Kernels;

/// <summary>
/// Software prefetch of a micro-tile of C before its k loop. The tile is read and written only after
/// the loop, and its rows are ldc apart (8 KiB at n = 2048: every row maps to the same L1 sets), so
/// without this each store waits on a miss; BLIS prefetches C the same way. Prefetch never faults
/// and changes no value, so it cannot alter results.
/// </summary>
internal static unsafe class GemmPrefetch
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CTile(float* c, nint ldc, int rows, int width)
    {
        if (!Sse.IsSupported) return;
        for (int r = 0; r < rows; r++)
        {
            float* row = c + r * ldc;
            // Every 64-byte line the row touches: one per 16 floats plus the last (the row may be unaligned).
            for (int j = 0; j < width; j += 16) Sse.Prefetch0(row + j);
            Sse.Prefetch0(row + width - 1);
        }
    }
}
