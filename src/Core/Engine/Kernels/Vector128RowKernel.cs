using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelCost.Core.Engine.Kernels;

/// <summary>
/// <see cref="IRowKernel"/> on 128-bit vectors (SSE, NEON): 32-column strips (8 accumulators), then
/// one 16-column strip; the multiply-add and epilogue are <see cref="Vector128Kernel"/>'s.
/// </summary>
internal unsafe struct Vector128RowKernel : IRowKernel
{
    public static int Width => 32;

    public static int Row(int n, int k, float* a, nint csA, float* b, nint ldb, float* c, in GemmEpilogue e, int col0)
    {
        int j = 0;
        for (; j + 32 <= n; j += 32) Strip<Vectors8>(k, a, csA, b + j, ldb, c + j, e, col0 + j);
        if (j + 16 <= n)
        {
            Strip<Vectors4>(k, a, csA, b + j, ldb, c + j, e, col0 + j);
            j += 16;
        }
        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Strip<TV>(int k, float* a, nint csA, float* b, nint ldb, float* c, in GemmEpilogue e, int col0)
        where TV : struct, IStripVectors
    {
        Vector128<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        nint ahead = Avx2RowKernel.PrefetchRows * ldb;
        for (int p = 0; p < k; p++)
        {
            if (Sse.IsSupported)
            {
                Sse.Prefetch0(b + ahead);
                if (TV.N > 4) Sse.Prefetch0(b + ahead + 16);
            }
            var x = Vector128.Create(*a);
            c0 = Vector128Kernel.Fmadd(x, Vector128.Load(b), c0);
            c1 = Vector128Kernel.Fmadd(x, Vector128.Load(b + 4), c1);
            c2 = Vector128Kernel.Fmadd(x, Vector128.Load(b + 8), c2);
            c3 = Vector128Kernel.Fmadd(x, Vector128.Load(b + 12), c3);
            if (TV.N > 4)
            {
                c4 = Vector128Kernel.Fmadd(x, Vector128.Load(b + 16), c4);
                c5 = Vector128Kernel.Fmadd(x, Vector128.Load(b + 20), c5);
                c6 = Vector128Kernel.Fmadd(x, Vector128.Load(b + 24), c6);
                c7 = Vector128Kernel.Fmadd(x, Vector128.Load(b + 28), c7);
            }
            a += csA;
            b += ldb;
        }
        Vector128Kernel.StoreRow(c0, c1, c, e, col0);
        Vector128Kernel.StoreRow(c2, c3, c + 8, e, col0 + 8);
        if (TV.N > 4)
        {
            Vector128Kernel.StoreRow(c4, c5, c + 16, e, col0 + 16);
            Vector128Kernel.StoreRow(c6, c7, c + 24, e, col0 + 24);
        }
    }
}
