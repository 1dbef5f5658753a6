namespace ModelCost.Core.Engine.Kernels;

/// <summary>
/// Single-precision matrix multiply, row-major: C = alpha·op(A)·op(B) + beta·C, where op(A) is
/// m×k and op(B) is k×n. Every dense, convolution and recurrent layer goes through here.
/// <see cref="Sgemm"/> runs on the calling thread; <see cref="SgemmParallel"/> splits C into whole
/// micro-tiles across threads (deterministic: each element is computed by exactly one thread, in the
/// same order as on one thread, so results do not depend on the thread count).
/// The fused forms add a per-column bias and apply an activation while storing C.
/// As in BLAS, beta = 0 means C is not read (NaNs in it do not propagate).
/// </summary>
public static unsafe class Gemm
{
    /// <summary>The micro-kernel family this CPU runs.</summary>
    public static GemmIsa Isa => GemmDriver.Detected;

    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => Run(GemmDriver.Detected, 1, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, default, GemmActivation.None);

    public static void SgemmParallel(int threads, bool transA, bool transB, int m, int n, int k, float alpha,
        float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc)
        => Run(GemmDriver.Detected, threads, transA, transB, m, n, k, alpha, Slice(a, aOffset, nameof(aOffset)), lda,
            Slice(b, bOffset, nameof(bOffset)), ldb, beta, Slice(c, cOffset, nameof(cOffset)), ldc, default, GemmActivation.None);

    /// <summary>
    /// C = act(op(A)·op(B) + bias) in one pass (bias has one value per column of C, or is empty):
    /// a Dense layer is x·W + b, an NHWC convolution im2col(x)·W + b.
    /// </summary>
    public static void SgemmFused(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc,
        ReadOnlySpan<float> bias, GemmActivation activation)
        => Run(GemmDriver.Detected, 1, transA, transB, m, n, k, 1f, a, lda, b, ldb, 0f, c, ldc, bias, activation);

    /// <summary>
    /// C = act(alpha·op(A)·op(B) + beta·C + bias) split across <paramref name="threads"/> threads;
    /// <paramref name="bias"/> may be null. Do not call from inside another parallel region.
    /// </summary>
    public static void SgemmFusedParallel(int threads, bool transA, bool transB, int m, int n, int k, float alpha,
        float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc,
        float[]? bias, int biasOffset, GemmActivation activation)
        => Run(GemmDriver.Detected, threads, transA, transB, m, n, k, alpha, Slice(a, aOffset, nameof(aOffset)), lda,
            Slice(b, bOffset, nameof(bOffset)), ldb, beta, Slice(c, cOffset, nameof(cOffset)), ldc,
            bias is null ? default : Slice(bias, biasOffset, nameof(biasOffset)), activation);

    /// <summary>
    /// <see cref="SgemmFusedParallel"/> on a runner's threads (the engine's worker pool): no TPL, no
    /// allocation per call. Call it from outside the runner's own parallel regions.
    /// </summary>
    internal static void SgemmFusedParallel(IParallelRunner runner, bool transA, bool transB, int m, int n, int k, float alpha,
        float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc,
        float[]? bias, int biasOffset, GemmActivation activation)
        => Run(GemmDriver.Detected, runner.Threads, transA, transB, m, n, k, alpha, Slice(a, aOffset, nameof(aOffset)), lda,
            Slice(b, bOffset, nameof(bOffset)), ldb, beta, Slice(c, cOffset, nameof(cOffset)), ldc,
            bias is null ? default : Slice(bias, biasOffset, nameof(biasOffset)), activation, GemmPath.Auto, runner);

    /// <summary>The straightforward triple loop (double accumulation): what optimised kernels are checked against.</summary>
    public static void Reference(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = transA ? a[p * lda + i] : a[i * lda + p];
                    float bv = transB ? b[j * ldb + p] : b[p * ldb + j];
                    s += (double)av * bv;
                }
                ref float cv = ref c[i * ldc + j];
                cv = (float)(alpha * s + (beta == 0 ? 0 : beta * cv));
            }
        }
    }

    /// <summary>Any entry point on a chosen kernel family (tests run every family on every machine).</summary>
    internal static void Run(GemmIsa isa, int threads, bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc,
        ReadOnlySpan<float> bias, GemmActivation activation, GemmPath path = GemmPath.Auto, IParallelRunner? runner = null)
    {
        if (m < 0) throw new ArgumentOutOfRangeException(nameof(m), m, "must be ≥ 0");
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "must be ≥ 0");
        if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), k, "must be ≥ 0");
        if (m == 0 || n == 0) return;
        // op(A) is m×k: stored k×m when transposed. Same for B. Spans must cover the last element.
        Check(a.Length, transA ? k : m, transA ? m : k, lda, nameof(a), nameof(lda));
        Check(b.Length, transB ? n : k, transB ? k : n, ldb, nameof(b), nameof(ldb));
        Check(c.Length, m, n, ldc, nameof(c), nameof(ldc));
        if (!bias.IsEmpty && bias.Length < n)
            throw new ArgumentException($"bias has {bias.Length} values for {n} columns", nameof(bias));
        fixed (float* pa = a, pb = b, pc = c, pbias = bias)
            GemmDriver.Run(isa, Math.Max(1, threads), transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc,
                bias.IsEmpty ? null : pbias, activation, path, runner);
    }

    private static void Check(int length, int rows, int cols, int ld, string name, string ldName)
    {
        if (rows == 0 || cols == 0) return;
        if (ld < cols) throw new ArgumentOutOfRangeException(ldName, ld, $"leading dimension below the {cols} stored columns");
        if ((long)(rows - 1) * ld + cols > length)
            throw new ArgumentException($"{name} holds {length} floats; {rows}×{cols} with stride {ld} needs {(long)(rows - 1) * ld + cols}", name);
    }

    private static Span<float> Slice(float[] array, int offset, string name)
    {
        ArgumentNullException.ThrowIfNull(array);
        if ((uint)offset > (uint)array.Length) throw new ArgumentOutOfRangeException(name, offset, "outside the array");
        return array.AsSpan(offset);
    }
}
