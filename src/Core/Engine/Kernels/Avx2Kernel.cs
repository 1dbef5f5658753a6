using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelCost.Core.Engine.Kernels;

/// <summary>
/// 6×16 AVX2+FMA micro-kernel: 12 ymm accumulators, 2 B loads and 1 broadcast per k step —
/// 15 of the 16 ymm registers, the layout BLIS uses on Haswell/Zen.
/// </summary>
internal unsafe struct Avx2Kernel : IMicroKernel
{
    public static int MR => 6;

    public static int NR => 16;

    public static bool ReadsPartialPanels => Avx.IsSupported;

    public static int RowWidth => Avx2RowKernel.Width;

    public static int Row(int n, int k, float* a, nint csA, float* b, nint ldb, float* c, in GemmEpilogue e, int col0)
        => Avx2RowKernel.Row(n, k, a, csA, b, ldb, c, e, col0);

    public static void Tile(int rows, int cols, int kc, float* a, nint rsA, nint csA,
        float* b, nint rsB, float* c, nint ldc, in GemmEpilogue e, int col0)
    {
        // Packed panels get their strides as JIT constants (immediate offsets, fewer live registers).
        if (rsA == 1 && csA == 6 && rsB == 16) ByRows<Packed>(rows, cols, kc, a, 1, 6, b, 16, c, ldc, e, col0);
        // A partial panel read in place (not the zero-padded packed stride) loads B under lane masks.
        else if (cols < 16 && rsB != 16 && Avx.IsSupported) ByRows<MaskedEdge>(rows, cols, kc, a, rsA, csA, b, rsB, c, ldc, e, col0);
        else ByRows<Strided>(rows, cols, kc, a, rsA, csA, b, rsB, c, ldc, e, col0);
    }

    /// <summary>The kernel instantiation for this many rows (each keeps only the accumulators it uses).</summary>
    private static void ByRows<TL>(int rows, int cols, int kc, float* a, nint rsA, nint csA,
        float* b, nint rsB, float* c, nint ldc, in GemmEpilogue e, int col0) where TL : struct, ILayout
    {
        switch (rows)
        {
            case 6: Kernel<Rows6, TL>(cols, kc, a, rsA, csA, b, rsB, c, ldc, e, col0); break;
            case 5: Kernel<Rows5, TL>(cols, kc, a, rsA, csA, b, rsB, c, ldc, e, col0); break;
            case 4: Kernel<Rows4, TL>(cols, kc, a, rsA, csA, b, rsB, c, ldc, e, col0); break;
            case 3: Kernel<Rows3, TL>(cols, kc, a, rsA, csA, b, rsB, c, ldc, e, col0); break;
            case 2: Kernel<Rows2, TL>(cols, kc, a, rsA, csA, b, rsB, c, ldc, e, col0); break;
            default: Kernel<Rows1, TL>(cols, kc, a, rsA, csA, b, rsB, c, ldc, e, col0); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> LoadB<TL>(float* p, Vector256<float> mask) where TL : struct, ILayout
        => TL.IsMasked ? Avx.MaskLoad(p, mask) : Vector256.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Fmadd(Vector256<float> x, Vector256<float> y, Vector256<float> acc)
        => Fma.IsSupported ? Fma.MultiplyAdd(x, y, acc) : acc + x * y;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel<TR, TL>(int cols, int kc, float* a, nint rsA, nint csA,
        float* b, nint rsB, float* c, nint ldc, in GemmEpilogue e, int col0) where TR : struct, IRowCount where TL : struct, ILayout
    {
        if (TL.IsPacked)
        {
            rsA = 1;
            csA = 6;
            rsB = 16;
        }
        // Partial column panel read in place: lanes at or past cols are never loaded (vmaskmovps does not fault there).
        var lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        var mb0 = TL.IsMasked ? Vector256.LessThan(lane, Vector256.Create(cols)).AsSingle() : default;
        var mb1 = TL.IsMasked ? Vector256.LessThan(lane, Vector256.Create(cols - 8)).AsSingle() : default;
        // Only on packed panels: the blocked path revisits each C tile once per k-slice, cold each time.
        if (TL.IsPacked) GemmPrefetch.CTile(c, ldc, TR.N, 16);
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        float* a0 = a, a3 = a + 3 * rsA;
        nint rs2 = 2 * rsA;
        // Unrolled by four: one pointer bump per four k steps.
        Vector256<float> b0, b1, x;
        nint cs2 = 2 * csA, cs3 = 3 * csA, rsB2 = 2 * rsB, rsB3 = 3 * rsB;
        int p = 0;
        for (; p + 4 <= kc; p += 4)
        {
            b0 = LoadB<TL>(b, mb0);
            b1 = LoadB<TL>(b + 8, mb1);
            x = Vector256.Create(*a0);
            c00 = Fmadd(x, b0, c00); c01 = Fmadd(x, b1, c01);
            if (TR.N > 1) { x = Vector256.Create(a0[rsA]); c10 = Fmadd(x, b0, c10); c11 = Fmadd(x, b1, c11); }
            if (TR.N > 2) { x = Vector256.Create(a0[rs2]); c20 = Fmadd(x, b0, c20); c21 = Fmadd(x, b1, c21); }
            if (TR.N > 3) { x = Vector256.Create(*a3); c30 = Fmadd(x, b0, c30); c31 = Fmadd(x, b1, c31); }
            if (TR.N > 4) { x = Vector256.Create(a3[rsA]); c40 = Fmadd(x, b0, c40); c41 = Fmadd(x, b1, c41); }
            if (TR.N > 5) { x = Vector256.Create(a3[rs2]); c50 = Fmadd(x, b0, c50); c51 = Fmadd(x, b1, c51); }
            b0 = LoadB<TL>(b + rsB, mb0);
            b1 = LoadB<TL>(b + rsB + 8, mb1);
            x = Vector256.Create(a0[csA]);
            c00 = Fmadd(x, b0, c00); c01 = Fmadd(x, b1, c01);
            if (TR.N > 1) { x = Vector256.Create(a0[csA + rsA]); c10 = Fmadd(x, b0, c10); c11 = Fmadd(x, b1, c11); }
            if (TR.N > 2) { x = Vector256.Create(a0[csA + rs2]); c20 = Fmadd(x, b0, c20); c21 = Fmadd(x, b1, c21); }
            if (TR.N > 3) { x = Vector256.Create(a3[csA]); c30 = Fmadd(x, b0, c30); c31 = Fmadd(x, b1, c31); }
            if (TR.N > 4) { x = Vector256.Create(a3[csA + rsA]); c40 = Fmadd(x, b0, c40); c41 = Fmadd(x, b1, c41); }
            if (TR.N > 5) { x = Vector256.Create(a3[csA + rs2]); c50 = Fmadd(x, b0, c50); c51 = Fmadd(x, b1, c51); }
            b0 = LoadB<TL>(b + rsB2, mb0);
            b1 = LoadB<TL>(b + rsB2 + 8, mb1);
            x = Vector256.Create(a0[cs2]);
            c00 = Fmadd(x, b0, c00); c01 = Fmadd(x, b1, c01);
            if (TR.N > 1) { x = Vector256.Create(a0[cs2 + rsA]); c10 = Fmadd(x, b0, c10); c11 = Fmadd(x, b1, c11); }
            if (TR.N > 2) { x = Vector256.Create(a0[cs2 + rs2]); c20 = Fmadd(x, b0, c20); c21 = Fmadd(x, b1, c21); }
            if (TR.N > 3) { x = Vector256.Create(a3[cs2]); c30 = Fmadd(x, b0, c30); c31 = Fmadd(x, b1, c31); }
            if (TR.N > 4) { x = Vector256.Create(a3[cs2 + rsA]); c40 = Fmadd(x, b0, c40); c41 = Fmadd(x, b1, c41); }
            if (TR.N > 5) { x = Vector256.Create(a3[cs2 + rs2]); c50 = Fmadd(x, b0, c50); c51 = Fmadd(x, b1, c51); }
            b0 = LoadB<TL>(b + rsB3, mb0);
            b1 = LoadB<TL>(b + rsB3 + 8, mb1);
            x = Vector256.Create(a0[cs3]);
            c00 = Fmadd(x, b0, c00); c01 = Fmadd(x, b1, c01);
            if (TR.N > 1) { x = Vector256.Create(a0[cs3 + rsA]); c10 = Fmadd(x, b0, c10); c11 = Fmadd(x, b1, c11); }
            if (TR.N > 2) { x = Vector256.Create(a0[cs3 + rs2]); c20 = Fmadd(x, b0, c20); c21 = Fmadd(x, b1, c21); }
            if (TR.N > 3) { x = Vector256.Create(a3[cs3]); c30 = Fmadd(x, b0, c30); c31 = Fmadd(x, b1, c31); }
            if (TR.N > 4) { x = Vector256.Create(a3[cs3 + rsA]); c40 = Fmadd(x, b0, c40); c41 = Fmadd(x, b1, c41); }
            if (TR.N > 5) { x = Vector256.Create(a3[cs3 + rs2]); c50 = Fmadd(x, b0, c50); c51 = Fmadd(x, b1, c51); }
            a0 += 4 * csA;
            a3 += 4 * csA;
            b += 4 * rsB;
        }
        for (; p < kc; p++)
        {
            b0 = LoadB<TL>(b, mb0);
            b1 = LoadB<TL>(b + 8, mb1);
            x = Vector256.Create(*a0);
            c00 = Fmadd(x, b0, c00); c01 = Fmadd(x, b1, c01);
            if (TR.N > 1) { x = Vector256.Create(a0[rsA]); c10 = Fmadd(x, b0, c10); c11 = Fmadd(x, b1, c11); }
            if (TR.N > 2) { x = Vector256.Create(a0[rs2]); c20 = Fmadd(x, b0, c20); c21 = Fmadd(x, b1, c21); }
            if (TR.N > 3) { x = Vector256.Create(*a3); c30 = Fmadd(x, b0, c30); c31 = Fmadd(x, b1, c31); }
            if (TR.N > 4) { x = Vector256.Create(a3[rsA]); c40 = Fmadd(x, b0, c40); c41 = Fmadd(x, b1, c41); }
            if (TR.N > 5) { x = Vector256.Create(a3[rs2]); c50 = Fmadd(x, b0, c50); c51 = Fmadd(x, b1, c51); }
            a0 += csA;
            a3 += csA;
            b += rsB;
        }

        if (cols == 16)
        {
            StoreRow(c00, c01, c, e, col0);
            if (TR.N > 1) StoreRow(c10, c11, c + ldc, e, col0);
            if (TR.N > 2) StoreRow(c20, c21, c + 2 * ldc, e, col0);
            if (TR.N > 3) StoreRow(c30, c31, c + 3 * ldc, e, col0);
            if (TR.N > 4) StoreRow(c40, c41, c + 4 * ldc, e, col0);
            if (TR.N > 5) StoreRow(c50, c51, c + 5 * ldc, e, col0);
            return;
        }

        if (Avx.IsSupported)
        {
            // Partial tile: the same vector epilogue under lane masks, never touching C past cols.
            var m0 = Vector256.LessThan(lane, Vector256.Create(cols)).AsSingle();
            var m1 = Vector256.LessThan(lane, Vector256.Create(cols - 8)).AsSingle();
            StoreRowMasked(c00, c01, c, e, col0, m0, m1, cols);
            if (TR.N > 1) StoreRowMasked(c10, c11, c + ldc, e, col0, m0, m1, cols);
            if (TR.N > 2) StoreRowMasked(c20, c21, c + 2 * ldc, e, col0, m0, m1, cols);
            if (TR.N > 3) StoreRowMasked(c30, c31, c + 3 * ldc, e, col0, m0, m1, cols);
            if (TR.N > 4) StoreRowMasked(c40, c41, c + 4 * ldc, e, col0, m0, m1, cols);
            if (TR.N > 5) StoreRowMasked(c50, c51, c + 5 * ldc, e, col0, m0, m1, cols);
            return;
        }

        float* t = stackalloc float[6 * 16];
        c00.Store(t); c01.Store(t + 8);
        if (TR.N > 1) { c10.Store(t + 16); c11.Store(t + 24); }
        if (TR.N > 2) { c20.Store(t + 32); c21.Store(t + 40); }
        if (TR.N > 3) { c30.Store(t + 48); c31.Store(t + 56); }
        if (TR.N > 4) { c40.Store(t + 64); c41.Store(t + 72); }
        if (TR.N > 5) { c50.Store(t + 80); c51.Store(t + 88); }
        for (int r = 0; r < TR.N; r++)
        {
            float* cr = c + r * ldc;
            for (int j = 0; j < cols; j++) cr[j] = e.Apply(t[r * 16 + j], e.Beta != 0 ? cr[j] : 0f, col0 + j);
        }
    }

    /// <summary>A partial row: plain stores for whole 8-lane groups, a masked one only for the ragged group.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRowMasked(Vector256<float> v0, Vector256<float> v1, float* c, in GemmEpilogue e, int col0,
        Vector256<float> m0, Vector256<float> m1, int cols)
    {
        if (cols >= 8)
        {
            Store8<Strided>(v0, c, e, col0, default);
            if (cols > 8) Store8<MaskedEdge>(v1, c + 8, e, col0 + 8, m1);
        }
        else
        {
            Store8<MaskedEdge>(v0, c, e, col0, m0);
        }
    }

    /// <summary>Eight columns through the epilogue, under a lane mask when TL is masked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store8<TL>(Vector256<float> v, float* c, in GemmEpilogue e, int col0, Vector256<float> m) where TL : struct, ILayout
    {
        if (e.Alpha != 1f) v *= Vector256.Create(e.Alpha);
        if (e.Beta == 1f) v += LoadB<TL>(c, m);
        else if (e.Beta != 0f) v = Fmadd(Vector256.Create(e.Beta), LoadB<TL>(c, m), v);
        if (e.HasBias) v += LoadB<TL>(e.Bias + col0, m);
        if (e.Relu) v = Avx.Max(Vector256<float>.Zero, v);
        if (TL.IsMasked) Avx.MaskStore(c, m, v);
        else v.Store(c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreRow(Vector256<float> v0, Vector256<float> v1, float* c, in GemmEpilogue e, int col0)
    {
        if (e.Alpha != 1f)
        {
            var al = Vector256.Create(e.Alpha);
            v0 *= al;
            v1 *= al;
        }
        if (e.Beta == 1f)
        {
            v0 += Vector256.Load(c);
            v1 += Vector256.Load(c + 8);
        }
        else if (e.Beta != 0f)
        {
            var be = Vector256.Create(e.Beta);
            v0 = Fmadd(be, Vector256.Load(c), v0);
            v1 = Fmadd(be, Vector256.Load(c + 8), v1);
        }
        if (e.HasBias)
        {
            v0 += Vector256.Load(e.Bias + col0);
            v1 += Vector256.Load(e.Bias + col0 + 8);
        }
        if (e.Relu)
        {
            // max(0, v) keeps a NaN (maxps returns the second operand when either is NaN).
            v0 = Avx.IsSupported ? Avx.Max(Vector256<float>.Zero, v0) : Vector256.Max(Vector256<float>.Zero, v0);
            v1 = Avx.IsSupported ? Avx.Max(Vector256<float>.Zero, v1) : Vector256.Max(Vector256<float>.Zero, v1);
        }
        v0.Store(c);
        v1.Store(c + 8);
    }
}
