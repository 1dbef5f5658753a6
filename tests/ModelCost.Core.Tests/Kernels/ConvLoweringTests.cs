using ModelCost.Core.Engine.Kernels;
using Xunit;

namespace ModelCost.Core.Tests.Kernels;

/// <summary>
/// im2col/col2im against their definitions: col[pos, ((kd·Kh + kh)·Kw + kw)·C + c] =
/// x[d·Sd − Pd + kd, h·Sh − Ph + kh, w·Sw − Pw + kw, c] (0 outside the input), and Fold is the
/// transpose of that linear map, computed here element by element in the same order (so exact).
/// </summary>
public class ConvLoweringTests
{
    private static WindowGeometry Conv(int d, int h, int w, int c, int kd, int k, int s, bool same)
    {
        int Out(int n, int kk) => same ? (n + s - 1) / s : (n - kk) / s + 1;
        int Pad(int n, int kk) => same ? Math.Max((Out(n, kk) - 1) * s + kk - n, 0) / 2 : 0;
        int sd = kd == 1 ? 1 : s;
        return new WindowGeometry(d, h, w, c, kd, k, k, sd, s, s, kd == 1 ? 0 : Pad(d, kd), Pad(h, k), Pad(w, k),
            kd == 1 ? d : Out(d, kd), Out(h, k), Out(w, k));
    }

    [Theory]
    [InlineData(1, 28, 28, 1, 1, 3, 1, false)] // the seed CNN's first conv
    [InlineData(1, 13, 13, 16, 1, 3, 1, false)] // its second conv
    [InlineData(1, 7, 6, 3, 1, 3, 2, true)] // "same" padding, stride 2
    [InlineData(1, 5, 5, 9, 1, 5, 1, true)] // window wider than the valid part
    [InlineData(4, 5, 6, 2, 3, 3, 1, true)] // 3D with padding
    public void UnfoldAndFoldMatchTheirDefinitions(int d, int h, int w, int c, int kd, int k, int s, bool same)
    {
        var g = Conv(d, h, w, c, kd, k, s, same);
        var rng = new Random(h * 31 + c);
        var x = new float[g.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() - 0.5);
        var col = Enumerable.Repeat(float.NaN, g.Positions * g.PatchSize).ToArray();
        ConvLowering.Unfold(x, col, g);

        var r = new float[col.Length];
        for (int i = 0; i < r.Length; i++) r[i] = (float)(rng.NextDouble() - 0.5);
        var foldRef = new float[g.InputSize];
        int pos = 0;
        for (int od = 0; od < g.Od; od++)
            for (int oh = 0; oh < g.Oh; oh++)
                for (int ow = 0; ow < g.Ow; ow++, pos++)
                    for (int a = 0; a < g.Kd; a++)
                        for (int b = 0; b < g.Kh; b++)
                            for (int e = 0; e < g.Kw; e++)
                                for (int ch = 0; ch < g.C; ch++)
                                {
                                    int id = od * g.Sd - g.Pd + a, ih = oh * g.Sh - g.Ph + b, iw = ow * g.Sw - g.Pw + e;
                                    int j = pos * g.PatchSize + ((a * g.Kh + b) * g.Kw + e) * g.C + ch;
                                    bool inside = id >= 0 && id < g.D && ih >= 0 && ih < g.H && iw >= 0 && iw < g.W;
                                    int xi = ((id * g.H + ih) * g.W + iw) * g.C + ch;
                                    Assert.Equal(inside ? x[xi] : 0f, col[j]);
                                    if (inside) foldRef[xi] += r[j];
                                }
        var dx = Enumerable.Repeat(float.NaN, g.InputSize).ToArray();
        ConvLowering.Fold(r, dx, g);
        Assert.Equal(foldRef, dx);
    }

    [Fact]
    public void ColumnSumsAddRowsInOrder()
    {
        // 3 rows × 10 columns of value (row + 1)·(col + 1): column j sums to (1 + 2 + 3)(j + 1) = 6(j + 1), added to acc = 1.
        var x = new float[30];
        for (int r = 0; r < 3; r++) for (int j = 0; j < 10; j++) x[r * 10 + j] = (r + 1) * (j + 1);
        var acc = Enumerable.Repeat(1f, 10).ToArray();
        ConvLowering.AddColumnSums(x, 3, 10, acc);
        Assert.Equal(Enumerable.Range(0, 10).Select(j => 1f + 6 * (j + 1)).ToArray(), acc);
    }
}
