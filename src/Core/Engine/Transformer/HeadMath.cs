using System.Numerics;
using System.Runtime.InteropServices;

namespace ModelCost.Core.Engine.Transformer;

/// <summary>
/// The per-head products of attention (scores, weighted sums and their gradients) as SIMD dot products and
/// axpy over rows of a head: a head's matrices are small (L × key_dim with key_dim 16–128), where GEMM packing
/// costs more than it saves, and a GEMM call per (sample, head) would allocate its job object per call.
/// </summary>
internal static class HeadMath
{
    /// <summary>Σ a[i]·b[i].</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var va = MemoryMarshal.Cast<float, Vector<float>>(a);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b[..a.Length]);
        var acc = Vector<float>.Zero;
        for (int i = 0; i < va.Length; i++) acc += va[i] * vb[i];
        float s = Vector.Dot(acc, Vector<float>.One);
        for (int i = va.Length * Vector<float>.Count; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>y += alpha·x.</summary>
    public static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var vy = MemoryMarshal.Cast<float, Vector<float>>(y[..x.Length]);
        var va = new Vector<float>(alpha);
        for (int i = 0; i < vx.Length; i++) vy[i] += va * vx[i];
        for (int i = vx.Length * Vector<float>.Count; i < x.Length; i++) y[i] += alpha * x[i];
    }
}
