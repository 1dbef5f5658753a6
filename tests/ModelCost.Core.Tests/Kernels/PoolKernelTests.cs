using ModelCost.Core.Engine.Kernels;
using Xunit;

namespace ModelCost.Core.Tests.Kernels;

/// <summary>
/// Vectorised pooling against the definition written out plainly here: max = the largest cell of
/// the clipped window; its gradient goes to the first cell (d, h, w order) equal to the maximum;
/// average = sum / valid cells, its gradient spread equally. Both sides do the same float
/// operations in the same order, so equality is exact (no tolerance needed).
/// </summary>
public class PoolKernelTests
{
    private static WindowGeometry Geometry(int d, int h, int w, int c, int k, int s, int pad, bool is3d)
    {
        int Out(int n, int kk) => pad > 0 ? (n + s - 1) / s : (n - kk) / s + 1;
        int kd = is3d ? k : 1, sd = is3d ? s : 1, pd = is3d ? pad : 0;
        return new WindowGeometry(d, h, w, c, kd, k, k, sd, s, s, pd, pad, pad, is3d ? Out(d, kd) : 1, Out(h, k), Out(w, k));
    }

    private static void Reference(float[] x, float[] dy, WindowGeometry g, bool max, out float[] y, out float[] dx)
    {
        y = new float[g.OutputSize];
        dx = new float[g.InputSize];
        int o = 0;
        for (int od = 0; od < g.Od; od++)
            for (int oh = 0; oh < g.Oh; oh++)
                for (int ow = 0; ow < g.Ow; ow++, o += g.C)
                {
                    var (d0, d1, h0, h1, w0, w1) = g.Window(od, oh, ow);
                    float inv = 1f / ((d1 - d0) * (h1 - h0) * (w1 - w0));
                    for (int c = 0; c < g.C; c++)
                    {
                        float acc = max ? float.NegativeInfinity : 0f;
                        for (int id = d0; id < d1; id++)
                            for (int ih = h0; ih < h1; ih++)
                                for (int iw = w0; iw < w1; iw++)
                                {
                                    float v = x[((id * g.H + ih) * g.W + iw) * g.C + c];
                                    if (max) { if (v > acc) acc = v; }
                                    else acc += v;
                                }
                        y[o + c] = max ? acc : acc * inv;
                        bool done = false;
                        for (int id = d0; id < d1; id++)
                            for (int ih = h0; ih < h1; ih++)
                                for (int iw = w0; iw < w1; iw++)
                                {
                                    int idx = ((id * g.H + ih) * g.W + iw) * g.C + c;
                                    if (max) { if (!done && x[idx] == acc) { dx[idx] += dy[o + c]; done = true; } }
                                    else dx[idx] += dy[o + c] * inv;
                                }
                    }
                }
    }

    [Theory]
    [InlineData(1, 26, 26, 16, 2, 2, 0, false)] // the seed CNN's first pooling
    [InlineData(1, 11, 11, 32, 2, 2, 0, false)] // odd size: last row and column uncovered
    [InlineData(1, 7, 9, 13, 3, 2, 0, false)] // overlapping windows, channel tail
    [InlineData(1, 6, 5, 3, 3, 3, 1, false)] // "same" padding: clipped windows
    [InlineData(1, 8, 8, 9, 2, 3, 0, false)] // stride > window: gaps
    [InlineData(5, 6, 7, 8, 2, 2, 0, true)] // 3D
    [InlineData(4, 5, 5, 17, 3, 1, 1, true)] // 3D overlapping with padding
    [InlineData(1, 5, 5, 8, 5, 1, 0, false)] // global window
    public void MatchesTheDefinitionExactly(int d, int h, int w, int c, int k, int s, int pad, bool is3d)
    {
        var g = Geometry(d, h, w, c, k, s, pad, is3d);
        var rng = new Random(d * 1000 + h * 100 + c);
        // Values from a small set so windows contain ties: the first maximal cell must win.
        var x = new float[g.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = rng.Next(-3, 4) * 0.5f;
        var dy = new float[g.OutputSize];
        for (int i = 0; i < dy.Length; i++) dy[i] = (float)(rng.NextDouble() - 0.5);
        foreach (bool max in new[] { true, false })
        {
            Reference(x, dy, g, max, out var yRef, out var dxRef);
            var y = new float[g.OutputSize];
            var dx = Enumerable.Repeat(float.NaN, g.InputSize).ToArray(); // stale garbage must be overwritten
            if (max)
            {
                PoolKernels.MaxForward(x, y, g);
                PoolKernels.MaxBackward(x, y, dy, dx, g);
            }
            else
            {
                PoolKernels.AvgForward(x, y, g);
                PoolKernels.AvgBackward(dy, dx, g);
            }
            Assert.Equal(yRef, y);
            Assert.Equal(dxRef, dx);
        }
    }

    [Fact]
    public void HandWorked2x2MaxPool()
    {
        // One channel, 2×2 input [1 3; 3 2] pooled 2×2: max 3; the gradient 5 goes to the first 3
        // in row-major order (row 0, column 1), not the tie at (1, 0).
        var g = new WindowGeometry(1, 2, 2, 1, 1, 2, 2, 1, 2, 2, 0, 0, 0, 1, 1, 1);
        var x = new float[] { 1, 3, 3, 2 };
        var y = new float[1];
        PoolKernels.MaxForward(x, y, g);
        Assert.Equal(3f, y[0]);
        var dx = new float[4];
        PoolKernels.MaxBackward(x, y, [5f], dx, g);
        Assert.Equal(new float[] { 0, 5, 0, 0 }, dx);
    }
}
