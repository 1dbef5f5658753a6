using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelCost.Core.Engine.Kernels;

/// <summary>
/// <see cref="IRowKernel"/> on zmm registers: 128-column strips (8 accumulators, enough for two
/// 512-bit FMA pipes), then one 64-column strip; the epilogue is <see cref="Avx512Kernel"/>'s.
/// Mirrors <see cref="Avx2RowKernel"/> on the wider type (keep the two in step). Where AVX-512 is
/// missing (tests force this family everywhere) the runtime emulates Vector512: same arithmetic.
/// </summary>
internal unsafe struct Avx512RowKernel : IRowKernel
{
    public static int Width => 128;

    public static int Row(int n, int k, float* a, nint csA, float* b, nint ldb, float* c, in GemmEpilogue e, int col0)
    {
        int j = 0;
        for (; j + 128 <= n; j += 128) Strip<Vectors8>(k, a, csA, b + j, ldb, c + j, e, col0 + j);
        if (j + 64 <= n)
        {
            Strip<Vectors4>(k, a, csA, b + j, ldb, c + j, e, col0 + j);
            j += 64;
        }
        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Strip<TV>(int k, float* a, nint csA, float* b, nint ldb, float* c, in GemmEpilogue e, int col0)
        where TV : struct, IStripVectors
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        nint ahead = Avx2RowKernel.PrefetchRows * ldb;
        for (int p = 0; p < k; p++)
        {
            if (Sse.IsSupported)
            {
                // One prefetch per 64-byte line of the strip's row; never faults, changes no value.
                for (int line = 0; line < TV.N * 16; line += 16) Sse.Prefetch0(b + ahead + line);
            }
            var x = Vector512.Create(*a);
            c0 = Avx512Kernel.Fmadd(x, Vector512.Load(b), c0);
            c1 = Avx512Kernel.Fmadd(x, Vector512.Load(b + 16), c1);
            c2 = Avx512Kernel.Fmadd(x, Vector512.Load(b + 32), c2);
            c3 = Avx512Kernel.Fmadd(x, Vector512.Load(b + 48), c3);
            if (TV.N > 4)
            {
                c4 = Avx512Kernel.Fmadd(x, Vector512.Load(b + 64), c4);
                c5 = Avx512Kernel.Fmadd(x, Vector512.Load(b + 80), c5);
                c6 = Avx512Kernel.Fmadd(x, Vector512.Load(b + 96), c6);
                c7 = Avx512Kernel.Fmadd(x, Vector512.Load(b + 112), c7);
            }
            a += csA;
            b += ldb;
        }
        Avx512Kernel.StoreRow(c0, c1, c, e, col0);
        Avx512Kernel.StoreRow(c2, c3, c + 32, e, col0 + 32);
        if (TV.N > 4)
        {
            Avx512Kernel.StoreRow(c4, c5, c + 64, e, col0 + 64);
            Avx512Kernel.StoreRow(c6, c7, c + 96, e, col0 + 96);
        }
    }
}
