using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelCost.Core.Engine.Kernels;

/// <summary>
/// <see cref="IRowKernel"/> on ymm registers: 64-column strips (8 accumulators, enough to cover the
/// FMA latency of two pipes), then one 32-column strip; the epilogue is <see cref="Avx2Kernel"/>'s.
/// </summary>
internal unsafe struct Avx2RowKernel : IRowKernel
{
    public static int Width => 64;

    /// <summary>How many B rows ahead the strip prefetches (swept 2–32 on Zen 3: 8 was fastest).</summary>
    internal const int PrefetchRows = 8;

    public static int Row(int n, int k, float* a, nint csA, float* b, nint ldb, float* c, in GemmEpilogue e, int col0)
    {
        int j = 0;
        for (; j + 64 <= n; j += 64) Strip<Vectors8>(k, a, csA, b + j, ldb, c + j, e, col0 + j);
        if (j + 32 <= n)
        {
            Strip<Vectors4>(k, a, csA, b + j, ldb, c + j, e, col0 + j);
            j += 32;
        }
        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Strip<TV>(int k, float* a, nint csA, float* b, nint ldb, float* c, in GemmEpilogue e, int col0)
        where TV : struct, IStripVectors
    {
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        nint ahead = PrefetchRows * ldb;
        for (int p = 0; p < k; p++)
        {
            if (Sse.IsSupported)
            {
                // Prefetch never faults (past the end of B included) and changes no value.
                Sse.Prefetch0(b + ahead);
                Sse.Prefetch0(b + ahead + 16);
                if (TV.N > 4)
                {
                    Sse.Prefetch0(b + ahead + 32);
                    Sse.Prefetch0(b + ahead + 48);
                }
            }
            var x = Vector256.Create(*a);
            c0 = Avx2Kernel.Fmadd(x, Vector256.Load(b), c0);
            c1 = Avx2Kernel.Fmadd(x, Vector256.Load(b + 8), c1);
            c2 = Avx2Kernel.Fmadd(x, Vector256.Load(b + 16), c2);
            c3 = Avx2Kernel.Fmadd(x, Vector256.Load(b + 24), c3);
            if (TV.N > 4)
            {
                c4 = Avx2Kernel.Fmadd(x, Vector256.Load(b + 32), c4);
                c5 = Avx2Kernel.Fmadd(x, Vector256.Load(b + 40), c5);
                c6 = Avx2Kernel.Fmadd(x, Vector256.Load(b + 48), c6);
                c7 = Avx2Kernel.Fmadd(x, Vector256.Load(b + 56), c7);
            }
            a += csA;
            b += ldb;
        }
        Avx2Kernel.StoreRow(c0, c1, c, e, col0);
        Avx2Kernel.StoreRow(c2, c3, c + 16, e, col0 + 16);
        if (TV.N > 4)
        {
            Avx2Kernel.StoreRow(c4, c5, c + 32, e, col0 + 32);
            Avx2Kernel.StoreRow(c6, c7, c + 48, e, col0 + 48);
        }
    }
}
