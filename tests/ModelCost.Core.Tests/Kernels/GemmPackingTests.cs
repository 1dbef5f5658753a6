using ModelCost.Core.Engine.Kernels;
using Xunit;

namespace ModelCost.Core.Tests.Kernels;

/// <summary>
/// Packing is a pure copy, so the expected panels follow from the layout's definition alone:
/// A panel q holds op(A)(q·MR + r, pc + p) at q·MR·kc + p·MR + r; B panel q holds
/// op(B)(pc + p, jc + q·NR + j) at q·NR·kc + p·NR + j, zero where j runs past the block.
/// Exact equality; the vector paths (8×8 transposes) and the scalar tails are both exercised by
/// sizes around multiples of 8 and of the panel widths.
/// </summary>
public unsafe class GemmPackingTests
{
    private static float[] Numbered(int n)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = i + 1; // distinct, nonzero: a misplaced or missing copy shows
        return x;
    }

    [Theory]
    [InlineData(false, 6)]
    [InlineData(true, 6)]
    [InlineData(false, 4)]
    [InlineData(true, 4)]
    public void PackedAMatchesTheLayoutDefinition(bool transA, int mr)
    {
        foreach (int mc in new[] { 1, 5, 6, 7, 12, 13 })
            foreach (int kc in new[] { 1, 7, 8, 9, 16, 17 })
            {
                const int ic = 2, pc = 3;
                int m = ic + mc + 1, k = pc + kc + 2, lda = (transA ? m : k) + 1;
                var a = Numbered((transA ? k : m) * lda);
                int block = ((mc + mr - 1) / mr) * mr * kc;
                var dst = new float[block + GemmPacking.Overrun + 4];
                Array.Fill(dst, float.NaN);
                fixed (float* pa = a, pd = dst)
                    GemmPacking.PackA(pa, lda, transA, ic, mc, pc, kc, mr, pd);
                for (int i = 0; i < mc; i++)
                    for (int p = 0; p < kc; p++)
                    {
                        float want = transA ? a[(pc + p) * lda + ic + i] : a[(ic + i) * lda + pc + p];
                        Assert.Equal(want, dst[i / mr * mr * kc + p * mr + i % mr]);
                    }
                for (int i = block + GemmPacking.Overrun; i < dst.Length; i++)
                    Assert.True(float.IsNaN(dst[i]), $"write past the block and its overrun at {i} (mc {mc}, kc {kc})");
            }
    }

    [Theory]
    [InlineData(false, 16)]
    [InlineData(true, 16)]
    [InlineData(true, 32)]
    [InlineData(true, 8)]
    [InlineData(true, 4)]
    [InlineData(false, 4)]
    public void PackedBMatchesTheLayoutDefinitionWithZeroPadding(bool transB, int nr)
    {
        foreach (int nc in new[] { 1, 3, 8, 9, 16, 17, 40 })
            foreach (int kc in new[] { 1, 7, 8, 9, 17 })
            {
                const int jc = 1, pc = 2;
                int n = jc + nc + 3, k = pc + kc + 1, ldb = (transB ? k : n) + 2;
                var b = Numbered((transB ? n : k) * ldb);
                int panels = (nc + nr - 1) / nr;
                var dst = new float[panels * nr * kc + 4];
                Array.Fill(dst, float.NaN);
                fixed (float* pb = b, pd = dst)
                    GemmPacking.PackB(pb, ldb, transB, pc, kc, jc, nc, nr, pd);
                for (int q = 0; q < panels; q++)
                    for (int p = 0; p < kc; p++)
                        for (int j = 0; j < nr; j++)
                        {
                            int col = q * nr + j;
                            float want = col >= nc ? 0f : transB ? b[(jc + col) * ldb + pc + p] : b[(pc + p) * ldb + jc + col];
                            Assert.Equal(want, dst[q * nr * kc + p * nr + j]);
                        }
                for (int i = panels * nr * kc; i < dst.Length; i++) Assert.True(float.IsNaN(dst[i]));
            }
    }
}
