using System.Runtime.Intrinsics;

namespace ModelCost.Core.Engine.Kernels;

/// <summary>
/// Max and average pooling for one sample, channels last, vectorised across channels (8 at a time,
/// scalar tail). Max backward keeps no index tensor: it recomputes, per channel, the first window
/// cell (in d, h, w order) equal to the pooled maximum and routes the gradient there — the same
/// rule as the scalar loop, so results are identical. Disjoint windows (stride ≥ window, no
/// padding) store gradients instead of clearing and accumulating.
/// </summary>
internal static unsafe class PoolKernels
{
    public static void MaxForward(ReadOnlySpan<float> x, Span<float> y, in WindowGeometry g)
    {
        Check(x.Length, y.Length, g);
        fixed (float* px = x, py = y)
        {
            int c8 = g.C / 8 * 8;
            float* dst = py;
            for (int od = 0; od < g.Od; od++)
                for (int oh = 0; oh < g.Oh; oh++)
                    for (int ow = 0; ow < g.Ow; ow++, dst += g.C)
                    {
                        var (d0, d1, h0, h1, w0, w1) = g.Window(od, oh, ow);
                        for (int c = 0; c < c8; c += 8)
                        {
                            var acc = Vector256.Create(float.NegativeInfinity);
                            for (int id = d0; id < d1; id++)
                                for (int ih = h0; ih < h1; ih++)
                                {
                                    float* row = px + ((id * g.H + ih) * g.W) * g.C + c;
                                    for (int iw = w0; iw < w1; iw++)
                                    {
                                        // (v > acc) ? v : acc — exactly the scalar rule, NaN cells skipped.
                                        var v = Vector256.Load(row + iw * g.C);
                                        acc = Vector256.ConditionalSelect(Vector256.GreaterThan(v, acc), v, acc);
                                    }
                                }
                            acc.Store(dst + c);
                        }
                        for (int c = c8; c < g.C; c++)
                        {
                            float acc = float.NegativeInfinity;
                            for (int id = d0; id < d1; id++)
                                for (int ih = h0; ih < h1; ih++)
                                    for (int iw = w0; iw < w1; iw++)
                                    {
                                        float v = px[((id * g.H + ih) * g.W + iw) * g.C + c];
                                        if (v > acc) acc = v;
                                    }
                            dst[c] = acc;
                        }
                    }
        }
    }

    public static void MaxBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, in WindowGeometry g)
    {
        Check(x.Length, y.Length, g);
        if (dy.Length < g.OutputSize || dx.Length < g.InputSize) throw new ArgumentException("gradient buffers too small");
        bool disjoint = g.Disjoint;
        if (disjoint) ClearUncovered(dx, g);
        else dx[..g.InputSize].Clear();
        fixed (float* px = x, py = y, pdy = dy, pdx = dx)
        {
            int c8 = g.C / 8 * 8;
            int o = 0;
            for (int od = 0; od < g.Od; od++)
                for (int oh = 0; oh < g.Oh; oh++)
                    for (int ow = 0; ow < g.Ow; ow++, o += g.C)
                    {
                        var (d0, d1, h0, h1, w0, w1) = g.Window(od, oh, ow);
                        for (int c = 0; c < c8; c += 8)
                        {
                            var target = Vector256.Load(py + o + c);
                            var grad = Vector256.Load(pdy + o + c);
                            var taken = Vector256<float>.Zero;
                            for (int id = d0; id < d1; id++)
                                for (int ih = h0; ih < h1; ih++)
                                {
                                    int rowOff = ((id * g.H + ih) * g.W) * g.C + c;
                                    for (int iw = w0; iw < w1; iw++)
                                    {
                                        int idx = rowOff + iw * g.C;
                                        var hit = Vector256.AndNot(Vector256.Equals(Vector256.Load(px + idx), target), taken);
                                        taken |= hit;
                                        var add = grad & hit;
                                        if (disjoint) add.Store(pdx + idx);
                                        else (Vector256.Load(pdx + idx) + add).Store(pdx + idx);
                                    }
                                }
                        }
                        for (int c = c8; c < g.C; c++)
                        {
                            float target = py[o + c], grad = pdy[o + c];
                            bool done = false;
                            for (int id = d0; id < d1; id++)
                                for (int ih = h0; ih < h1; ih++)
                                    for (int iw = w0; iw < w1; iw++)
                                    {
                                        int idx = ((id * g.H + ih) * g.W + iw) * g.C + c;
                                        bool hit = !done && px[idx] == target;
                                        done |= hit;
                                        if (disjoint) pdx[idx] = hit ? grad : 0f;
                                        else if (hit) pdx[idx] += grad;
                                    }
                        }
                    }
        }
    }

    public static void AvgForward(ReadOnlySpan<float> x, Span<float> y, in WindowGeometry g)
    {
        Check(x.Length, y.Length, g);
        fixed (float* px = x, py = y)
        {
            int c8 = g.C / 8 * 8;
            float* dst = py;
            for (int od = 0; od < g.Od; od++)
                for (int oh = 0; oh < g.Oh; oh++)
                    for (int ow = 0; ow < g.Ow; ow++, dst += g.C)
                    {
                        var (d0, d1, h0, h1, w0, w1) = g.Window(od, oh, ow);
                        float inv = 1f / ((d1 - d0) * (h1 - h0) * (w1 - w0));
                        for (int c = 0; c < c8; c += 8)
                        {
                            var acc = Vector256<float>.Zero;
                            for (int id = d0; id < d1; id++)
                                for (int ih = h0; ih < h1; ih++)
                                {
                                    float* row = px + ((id * g.H + ih) * g.W) * g.C + c;
                                    for (int iw = w0; iw < w1; iw++) acc += Vector256.Load(row + iw * g.C);
                                }
                            (acc * inv).Store(dst + c);
                        }
                        for (int c = c8; c < g.C; c++)
                        {
                            float acc = 0f;
                            for (int id = d0; id < d1; id++)
                                for (int ih = h0; ih < h1; ih++)
                                    for (int iw = w0; iw < w1; iw++) acc += px[((id * g.H + ih) * g.W + iw) * g.C + c];
                            dst[c] = acc * inv;
                        }
                    }
        }
    }

    public static void AvgBackward(ReadOnlySpan<float> dy, Span<float> dx, in WindowGeometry g)
    {
        if (dy.Length < g.OutputSize || dx.Length < g.InputSize) throw new ArgumentException("gradient buffers too small");
        bool disjoint = g.Disjoint;
        if (disjoint) ClearUncovered(dx, g);
        else dx[..g.InputSize].Clear();
        fixed (float* pdy = dy, pdx = dx)
        {
            int c8 = g.C / 8 * 8;
            int o = 0;
            for (int od = 0; od < g.Od; od++)
                for (int oh = 0; oh < g.Oh; oh++)
                    for (int ow = 0; ow < g.Ow; ow++, o += g.C)
                    {
                        var (d0, d1, h0, h1, w0, w1) = g.Window(od, oh, ow);
                        float inv = 1f / ((d1 - d0) * (h1 - h0) * (w1 - w0));
                        for (int id = d0; id < d1; id++)
                            for (int ih = h0; ih < h1; ih++)
                                for (int iw = w0; iw < w1; iw++)
                                {
                                    float* d = pdx + ((id * g.H + ih) * g.W + iw) * g.C;
                                    int c = 0;
                                    for (; c < c8; c += 8)
                                    {
                                        var add = Vector256.Load(pdy + o + c) * inv;
                                        if (disjoint) add.Store(d + c);
                                        else (Vector256.Load(d + c) + add).Store(d + c);
                                    }
                                    for (; c < g.C; c++)
                                    {
                                        float add = pdy[o + c] * inv;
                                        if (disjoint) d[c] = add;
                                        else d[c] += add;
                                    }
                                }
                    }
        }
    }

    /// <summary>Zeroes the input cells no disjoint window covers (trailing rows/columns of odd sizes).</summary>
    private static void ClearUncovered(Span<float> dx, in WindowGeometry g)
    {
        int coveredD = Math.Min(g.D, g.Od * g.Sd), coveredH = Math.Min(g.H, g.Oh * g.Sh), coveredW = Math.Min(g.W, g.Ow * g.Sw);
        // Cells between windows (stride > window) are uncovered too.
        bool gaps = g.Sd > g.Kd || g.Sh > g.Kh || g.Sw > g.Kw;
        if (gaps)
        {
            dx[..g.InputSize].Clear();
            return;
        }
        for (int d = 0; d < g.D; d++)
            for (int h = 0; h < g.H; h++)
            {
                int row = ((d * g.H + h) * g.W) * g.C;
                if (d >= coveredD || h >= coveredH) dx.Slice(row, g.W * g.C).Clear();
                else if (coveredW < g.W) dx.Slice(row + coveredW * g.C, (g.W - coveredW) * g.C).Clear();
            }
    }

    private static void Check(int xLength, int yLength, in WindowGeometry g)
    {
        if (xLength < g.InputSize || yLength < g.OutputSize) throw new ArgumentException("pooling buffers too small");
    }
}
