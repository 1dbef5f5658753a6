using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelCost.Core.Engine.Kernels;

/// <summary>
/// Copies blocks of A and B into the panel layouts the micro-kernels stream: A in MR-tall panels
/// ((r, p) at p·MR + r), B in NR-wide zero-padded panels ((p, j) at p·NR + j). The layouts that need
/// a transpose (A stored row-major, B stored transposed) go through 8×8 AVX register transposes;
/// the others copy contiguous runs. Packing is a pure copy, so every path gives the same panels.
/// </summary>
internal static unsafe class GemmPacking
{
    // The packing loops and the driver's loop nests are compiled fully optimised on first call, as the
    // kernels are: at tier 0 (what a fresh process runs for its first ~100 ms of calls) packing a
    // 64×256 block of A took 37 µs instead of 3, longer than the 64×128×256 product itself.

    /// <summary>Floats a packed-A writer may touch past its block (overlapping 8-wide stores of 6-float rows).</summary>
    public const int Overrun = 8;

    /// <summary>op(A)[ic..ic+mc, pc..pc+kc] into MR-tall panels: panel q holds (r, p) at p·MR + r.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(float* a, nint lda, bool transA, int ic, int mc, int pc, int kc, int mr, float* dst)
    {
        for (int i = 0; i < mc; i += mr)
        {
            int rows = Math.Min(mr, mc - i);
            float* panel = dst + (nint)i * kc;
            if (transA)
            {
                // Stored k×m: the panel's rows at one p are contiguous.
                float* src = a + pc * lda + ic + i;
                int p = 0;
                if (rows == 6 && mr == 6 && Avx.IsSupported)
                {
                    for (; p < kc; p++, src += lda)
                    {
                        float* d = panel + p * 6;
                        Vector128.Load(src).Store(d);
                        *(long*)(d + 4) = *(long*)(src + 4);
                    }
                    continue;
                }
                for (; p < kc; p++, src += lda)
                {
                    float* d = panel + p * mr;
                    for (int r = 0; r < rows; r++) d[r] = src[r];
                }
            }
            else
            {
                float* src = a + (ic + i) * lda + pc;
                int p = 0;
                if (rows == 6 && mr == 6 && Avx.IsSupported)
                {
                    // 6 rows × 8 k at a time: transpose (two zero rows) and store each k's 8 lanes; the
                    // next store overwrites lanes 6-7, the last spills into the next panel or the Overrun.
                    var zero = Vector256<float>.Zero;
                    for (; p + 8 <= kc; p += 8)
                    {
                        Transpose8x8(
                            Vector256.Load(src + p), Vector256.Load(src + lda + p), Vector256.Load(src + 2 * lda + p),
                            Vector256.Load(src + 3 * lda + p), Vector256.Load(src + 4 * lda + p), Vector256.Load(src + 5 * lda + p), zero, zero,
                            out var t0, out var t1, out var t2, out var t3, out var t4, out var t5, out var t6, out var t7);
                        float* d = panel + p * 6;
                        t0.Store(d); t1.Store(d + 6); t2.Store(d + 12); t3.Store(d + 18);
                        t4.Store(d + 24); t5.Store(d + 30); t6.Store(d + 36); t7.Store(d + 42);
                    }
                }
                for (int r = 0; r < rows; r++)
                {
                    float* s = src + r * lda;
                    float* d = panel + r;
                    for (int q = p; q < kc; q++) d[q * mr] = s[q];
                }
            }
        }
    }

    /// <summary>op(B)[pc..pc+kc, jc..jc+nc] into NR-wide panels, zero-padded: (p, j) at p·NR + j.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(float* b, nint ldb, bool transB, int pc, int kc, int jc, int nc, int nr, float* dst)
    {
        int j0 = 0;
        if (!transB && Vector256.IsHardwareAccelerated && nr % 8 == 0)
        {
            // Whole panels row by row: each B row is read as one contiguous run (the prefetcher follows it) and
            // copied in 8-float vectors. A copy of nr floats per (row, panel) through CopyBlock was a memmove
            // call each (nr is not a JIT constant): 12,544 calls for a 784×256 B, more time than the product
            // at m = 64.
            j0 = nc / nr * nr;
            float* src = b + pc * ldb + jc;
            for (int p = 0; p < kc; p++, src += ldb)
            {
                float* d = dst + p * nr;
                for (int j = 0; j < j0; j += nr, d += (nint)nr * kc)
                    for (int q = 0; q < nr; q += 8) Vector256.Load(src + j + q).Store(d + q);
            }
        }
        for (int j = j0; j < nc; j += nr)
        {
            int cols = Math.Min(nr, nc - j);
            float* panel = dst + (nint)j * kc;
            if (transB)
                PackTransposedPanel(b + (jc + j) * ldb + pc, ldb, kc, cols, nr, panel);
            else
            {
                float* src = b + pc * ldb + jc + j;
                if (cols == nr)
                {
                    for (int p = 0; p < kc; p++, src += ldb)
                        Unsafe.CopyBlockUnaligned(panel + p * nr, src, (uint)(nr * sizeof(float)));
                }
                else
                {
                    for (int p = 0; p < kc; p++, src += ldb)
                    {
                        float* d = panel + p * nr;
                        for (int jj = 0; jj < cols; jj++) d[jj] = src[jj];
                        for (int jj = cols; jj < nr; jj++) d[jj] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>B stored transposed (column j of op(B) is a contiguous row at src + j·ldb): one panel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackTransposedPanel(float* src, nint ldb, int kc, int cols, int nr, float* panel)
    {
        int p = 0;
        if (Avx.IsSupported && nr % 8 == 0)
        {
            // 8 columns × 8 k per transpose; missing columns of a partial panel are zero rows.
            var zero = Vector256<float>.Zero;
            for (; p + 8 <= kc; p += 8)
            {
                for (int j0 = 0; j0 < nr; j0 += 8)
                {
                    float* s = src + j0 * ldb + p;
                    Vector256<float> Row(int jj) => j0 + jj < cols ? Vector256.Load(s + jj * ldb) : zero;
                    Transpose8x8(Row(0), Row(1), Row(2), Row(3), Row(4), Row(5), Row(6), Row(7),
                        out var t0, out var t1, out var t2, out var t3, out var t4, out var t5, out var t6, out var t7);
                    float* d = panel + p * nr + j0;
                    t0.Store(d); t1.Store(d + nr); t2.Store(d + 2 * nr); t3.Store(d + 3 * nr);
                    t4.Store(d + 4 * nr); t5.Store(d + 5 * nr); t6.Store(d + 6 * nr); t7.Store(d + 7 * nr);
                }
            }
        }
        for (int jj = 0; jj < cols; jj++)
        {
            float* s = src + jj * ldb;
            float* d = panel + jj;
            for (int q = p; q < kc; q++) d[q * nr] = s[q];
        }
        if (cols < nr)
            for (int q = p; q < kc; q++)
                for (int jj = cols; jj < nr; jj++) panel[q * nr + jj] = 0f;
    }

    /// <summary>Rows r0..r7 in, columns out: t_c lane r = r_r lane c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
        Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7,
        out Vector256<float> t0, out Vector256<float> t1, out Vector256<float> t2, out Vector256<float> t3,
        out Vector256<float> t4, out Vector256<float> t5, out Vector256<float> t6, out Vector256<float> t7)
    {
        var u0 = Avx.UnpackLow(r0, r1);
        var u1 = Avx.UnpackHigh(r0, r1);
        var u2 = Avx.UnpackLow(r2, r3);
        var u3 = Avx.UnpackHigh(r2, r3);
        var u4 = Avx.UnpackLow(r4, r5);
        var u5 = Avx.UnpackHigh(r4, r5);
        var u6 = Avx.UnpackLow(r6, r7);
        var u7 = Avx.UnpackHigh(r6, r7);
        var s0 = Avx.Shuffle(u0, u2, 0x44);
        var s1 = Avx.Shuffle(u0, u2, 0xEE);
        var s2 = Avx.Shuffle(u1, u3, 0x44);
        var s3 = Avx.Shuffle(u1, u3, 0xEE);
        var s4 = Avx.Shuffle(u4, u6, 0x44);
        var s5 = Avx.Shuffle(u4, u6, 0xEE);
        var s6 = Avx.Shuffle(u5, u7, 0x44);
        var s7 = Avx.Shuffle(u5, u7, 0xEE);
        t0 = Avx.Permute2x128(s0, s4, 0x20);
        t1 = Avx.Permute2x128(s1, s5, 0x20);
        t2 = Avx.Permute2x128(s2, s6, 0x20);
        t3 = Avx.Permute2x128(s3, s7, 0x20);
        t4 = Avx.Permute2x128(s0, s4, 0x31);
        t5 = Avx.Permute2x128(s1, s5, 0x31);
        t6 = Avx.Permute2x128(s2, s6, 0x31);
        t7 = Avx.Permute2x128(s3, s7, 0x31);
    }
}
