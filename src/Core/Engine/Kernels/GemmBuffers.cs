using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ModelCost.Core.Engine.Kernels;

/// <summary>
/// Per-thread packing buffers, pinned once and grown only when a bigger block is needed, so a
/// steady-state GEMM allocates nothing. Pinned (POH) arrays never move, so their 64-byte-aligned
/// addresses can be handed straight to the kernels.
/// </summary>
internal static unsafe class GemmBuffers
{
    [ThreadStatic] private static float[]? s_a;
    [ThreadStatic] private static float[]? s_b;
    [ThreadStatic] private static float[]? s_edge;

    /// <summary>Buffer for packed A panels (MC×KC).</summary>
    public static float* A(int floats) => Get(ref s_a, floats);

    /// <summary>Buffer for packed B panels (KC×NC).</summary>
    public static float* B(int floats) => Get(ref s_b, floats);

    /// <summary>Buffer for the zero-padded last column panel when B is read in place.</summary>
    public static float* Edge(int floats) => Get(ref s_edge, floats);

    private static float* Get(ref float[]? slot, int floats)
    {
        // 15 floats may go to alignment; the rest past `floats` is room for GemmPacking.Overrun.
        int need = floats + 16 + GemmPacking.Overrun;
        if (slot is null || slot.Length < need)
        {
            // Round up so a slowly growing shape sequence doesn't reallocate every call.
            int len = (int)Math.Min(int.MaxValue - 64, (long)Math.Max(need, 4096) * 5 / 4);
            slot = GC.AllocateUninitializedArray<float>(len, pinned: true);
        }
        nint p = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(slot));
        return (float*)((p + 63) & ~(nint)63);
    }
}
