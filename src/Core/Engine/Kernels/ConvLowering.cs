using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelCost.Core.Engine.Kernels;

/// <summary>
/// Convolution lowered to GEMM, channels last: <see cref="Unfold"/> (im2col) writes one row per
/// output position holding the window's Kd·Kh·Kw·C inputs in Keras kernel order (zeros for padded
/// cells); <see cref="Fold"/> (col2im) is its adjoint, scatter-adding rows back onto the input
/// gradient. Within a window row the Kw·C values are contiguous in NHWC, so both move whole
/// segments (vectorised adds in Fold) instead of element by element.
/// </summary>
internal static unsafe class ConvLowering
{
    /// <summary>im2col of one sample: <paramref name="col"/> is Positions × PatchSize.</summary>
    public static void Unfold(ReadOnlySpan<float> x, Span<float> col, in WindowGeometry g)
    {
        if (x.Length < g.InputSize || col.Length < g.Positions * g.PatchSize) throw new ArgumentException("im2col buffers too small");
        int kwc = g.Kw * g.C, c = g.C;
        fixed (float* px = x, pc = col)
        {
            float* dst = pc;
            for (int od = 0; od < g.Od; od++)
                for (int oh = 0; oh < g.Oh; oh++)
                    for (int ow = 0; ow < g.Ow; ow++)
                    {
                        int iw0 = ow * g.Sw - g.Pw;
                        bool wInside = iw0 >= 0 && iw0 + g.Kw <= g.W;
                        for (int kd = 0; kd < g.Kd; kd++)
                        {
                            int id = od * g.Sd - g.Pd + kd;
                            for (int kh = 0; kh < g.Kh; kh++, dst += kwc)
                            {
                                int ih = oh * g.Sh - g.Ph + kh;
                                if ((uint)id >= (uint)g.D || (uint)ih >= (uint)g.H)
                                {
                                    new Span<float>(dst, kwc).Clear();
                                    continue;
                                }
                                float* src = px + ((id * g.H + ih) * g.W) * c;
                                if (wInside)
                                {
                                    Copy(dst, src + iw0 * c, kwc);
                                    continue;
                                }
                                for (int kw = 0; kw < g.Kw; kw++)
                                {
                                    int iw = iw0 + kw;
                                    if ((uint)iw >= (uint)g.W) new Span<float>(dst + kw * c, c).Clear();
                                    else Copy(dst + kw * c, src + iw * c, c);
                                }
                            }
                        }
                    }
        }
    }

    /// <summary>col2im of one sample: dx = Σ over positions of the rows of <paramref name="dcol"/> placed on their windows.</summary>
    public static void Fold(ReadOnlySpan<float> dcol, Span<float> dx, in WindowGeometry g)
    {
        if (dx.Length < g.InputSize || dcol.Length < g.Positions * g.PatchSize) throw new ArgumentException("col2im buffers too small");
        dx[..g.InputSize].Clear();
        int kwc = g.Kw * g.C, c = g.C;
        fixed (float* pc = dcol, pdx = dx)
        {
            float* src = pc;
            for (int od = 0; od < g.Od; od++)
                for (int oh = 0; oh < g.Oh; oh++)
                    for (int ow = 0; ow < g.Ow; ow++)
                    {
                        int iw0 = ow * g.Sw - g.Pw;
                        bool wInside = iw0 >= 0 && iw0 + g.Kw <= g.W;
                        for (int kd = 0; kd < g.Kd; kd++)
                        {
                            int id = od * g.Sd - g.Pd + kd;
                            for (int kh = 0; kh < g.Kh; kh++, src += kwc)
                            {
                                int ih = oh * g.Sh - g.Ph + kh;
                                if ((uint)id >= (uint)g.D || (uint)ih >= (uint)g.H) continue;
                                float* dst = pdx + ((id * g.H + ih) * g.W) * c;
                                if (wInside)
                                {
                                    Add(dst + iw0 * c, src, kwc);
                                    continue;
                                }
                                for (int kw = 0; kw < g.Kw; kw++)
                                {
                                    int iw = iw0 + kw;
                                    if ((uint)iw < (uint)g.W) Add(dst + iw * c, src + kw * c, c);
                                }
                            }
                        }
                    }
        }
    }

    /// <summary>acc[j] += Σ_r x[r·cols + j] over <paramref name="rows"/> rows, rows summed in order (as a scalar loop would).</summary>
    public static void AddColumnSums(ReadOnlySpan<float> x, int rows, int cols, Span<float> acc)
    {
        if (x.Length < rows * cols || acc.Length < cols) throw new ArgumentException("column-sum buffers too small");
        fixed (float* px = x, pa = acc)
        {
            int j = 0;
            for (; j + 8 <= cols; j += 8)
            {
                var s = Vector256.Load(pa + j);
                float* p = px + j;
                for (int r = 0; r < rows; r++, p += cols) s += Vector256.Load(p);
                s.Store(pa + j);
            }
            for (; j < cols; j++)
            {
                float s = pa[j];
                float* p = px + j;
                for (int r = 0; r < rows; r++, p += cols) s += *p;
                pa[j] = s;
            }
        }
    }

    /// <summary>
    /// Window rows are short (kw·C floats: 3 for a 1-channel 3×3 conv, 48 for 16 channels), so an
    /// inline vector copy beats a memmove call: whole vectors, then one overlapping vector for the tail.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(float* dst, float* src, int count)
    {
        if (count >= 8 && Vector256.IsHardwareAccelerated)
        {
            int i = 0;
            for (; i + 8 <= count; i += 8) Vector256.Load(src + i).Store(dst + i);
            if (i < count) Vector256.Load(src + count - 8).Store(dst + count - 8);
        }
        else if (count >= 4 && Vector128.IsHardwareAccelerated)
        {
            Vector128.Load(src).Store(dst);
            Vector128.Load(src + count - 4).Store(dst + count - 4);
        }
        else
        {
            for (int i = 0; i < count; i++) dst[i] = src[i];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(float* dst, float* src, int count)
    {
        int i = 0;
        for (; i + 8 <= count; i += 8) (Vector256.Load(dst + i) + Vector256.Load(src + i)).Store(dst + i);
        for (; i < count; i++) dst[i] += src[i];
    }
}
