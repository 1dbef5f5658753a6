using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace ModelCost.Core.Engine.Kernels;

/// <summary>
/// 6×8 micro-kernel on 128-bit vectors (SSE, or NEON with its fused multiply-add): the AVX2
/// kernel's register plan at half the width, for CPUs without AVX2.
/// </summary>
internal unsafe struct Vector128Kernel : IMicroKernel
{
    public static int MR => 6;

    public static int NR => 8;

    public static bool ReadsPartialPanels => false;

    public static int RowWidth => Vector128RowKernel.Width;

    public static int Row(int n, int k, float* a, nint csA, float* b, nint ldb, float* c, in GemmEpilogue e, int col0)
        => Vector128RowKernel.Row(n, k, a, csA, b, ldb, c, e, col0);

    public static void Tile(int rows, int cols, int kc, float* a, nint rsA, nint csA,
        float* b, nint rsB, float* c, nint ldc, in GemmEpilogue e, int col0)
    {
        switch (rows)
        {
            case 6: Kernel<Rows6>(cols, kc, a, rsA, csA, b, rsB, c, ldc, e, col0); break;
            case 5: Kernel<Rows5>(cols, kc, a, rsA, csA, b, rsB, c, ldc, e, col0); break;
            case 4: Kernel<Rows4>(cols, kc, a, rsA, csA, b, rsB, c, ldc, e, col0); break;
            case 3: Kernel<Rows3>(cols, kc, a, rsA, csA, b, rsB, c, ldc, e, col0); break;
            case 2: Kernel<Rows2>(cols, kc, a, rsA, csA, b, rsB, c, ldc, e, col0); break;
            default: Kernel<Rows1>(cols, kc, a, rsA, csA, b, rsB, c, ldc, e, col0); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Fmadd(Vector128<float> x, Vector128<float> y, Vector128<float> acc)
        => AdvSimd.IsSupported ? AdvSimd.FusedMultiplyAdd(acc, x, y) : acc + x * y;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel<TR>(int cols, int kc, float* a, nint rsA, nint csA,
        float* b, nint rsB, float* c, nint ldc, in GemmEpilogue e, int col0) where TR : struct, IRowCount
    {
        Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector128<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        float* a0 = a, a3 = a + 3 * rsA;
        nint rs2 = 2 * rsA;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(b);
            var b1 = Vector128.Load(b + 4);
            var x = Vector128.Create(*a0);
            c00 = Fmadd(x, b0, c00); c01 = Fmadd(x, b1, c01);
            if (TR.N > 1) { x = Vector128.Create(a0[rsA]); c10 = Fmadd(x, b0, c10); c11 = Fmadd(x, b1, c11); }
            if (TR.N > 2) { x = Vector128.Create(a0[rs2]); c20 = Fmadd(x, b0, c20); c21 = Fmadd(x, b1, c21); }
            if (TR.N > 3) { x = Vector128.Create(*a3); c30 = Fmadd(x, b0, c30); c31 = Fmadd(x, b1, c31); }
            if (TR.N > 4) { x = Vector128.Create(a3[rsA]); c40 = Fmadd(x, b0, c40); c41 = Fmadd(x, b1, c41); }
            if (TR.N > 5) { x = Vector128.Create(a3[rs2]); c50 = Fmadd(x, b0, c50); c51 = Fmadd(x, b1, c51); }
            a0 += csA;
            a3 += csA;
            b += rsB;
        }

        if (cols == 8)
        {
            StoreRow(c00, c01, c, e, col0);
            if (TR.N > 1) StoreRow(c10, c11, c + ldc, e, col0);
            if (TR.N > 2) StoreRow(c20, c21, c + 2 * ldc, e, col0);
            if (TR.N > 3) StoreRow(c30, c31, c + 3 * ldc, e, col0);
            if (TR.N > 4) StoreRow(c40, c41, c + 4 * ldc, e, col0);
            if (TR.N > 5) StoreRow(c50, c51, c + 5 * ldc, e, col0);
            return;
        }

        float* t = stackalloc float[6 * 8];
        c00.Store(t); c01.Store(t + 4);
        if (TR.N > 1) { c10.Store(t + 8); c11.Store(t + 12); }
        if (TR.N > 2) { c20.Store(t + 16); c21.Store(t + 20); }
        if (TR.N > 3) { c30.Store(t + 24); c31.Store(t + 28); }
        if (TR.N > 4) { c40.Store(t + 32); c41.Store(t + 36); }
        if (TR.N > 5) { c50.Store(t + 40); c51.Store(t + 44); }
        for (int r = 0; r < TR.N; r++)
        {
            float* cr = c + r * ldc;
            for (int j = 0; j < cols; j++) cr[j] = e.Apply(t[r * 8 + j], e.Beta != 0 ? cr[j] : 0f, col0 + j);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreRow(Vector128<float> v0, Vector128<float> v1, float* c, in GemmEpilogue e, int col0)
    {
        if (e.Alpha != 1f)
        {
            var al = Vector128.Create(e.Alpha);
            v0 *= al;
            v1 *= al;
        }
        if (e.Beta == 1f)
        {
            v0 += Vector128.Load(c);
            v1 += Vector128.Load(c + 4);
        }
        else if (e.Beta != 0f)
        {
            var be = Vector128.Create(e.Beta);
            v0 = Fmadd(be, Vector128.Load(c), v0);
            v1 = Fmadd(be, Vector128.Load(c + 4), v1);
        }
        if (e.HasBias)
        {
            v0 += Vector128.Load(e.Bias + col0);
            v1 += Vector128.Load(e.Bias + col0 + 4);
        }
        if (e.Relu)
        {
            // max(0, v) keeps a NaN (maxps returns the second operand when either is NaN).
            v0 = Sse.IsSupported ? Sse.Max(Vector128<float>.Zero, v0) : Vector128.Max(Vector128<float>.Zero, v0);
            v1 = Sse.IsSupported ? Sse.Max(Vector128<float>.Zero, v1) : Vector128.Max(Vector128<float>.Zero, v1);
        }
        v0.Store(c);
        v1.Store(c + 4);
    }
}
