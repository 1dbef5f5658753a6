namespace ModelCost.Core.Engine.Kernels;

/// <summary>
/// Single-precision matrix multiply, row-major: C = alpha·op(A)·op(B) + beta·C, where op(A) is
/// m×k and op(B) is k×n. Every dense, convolution and recurrent layer goes through here.
/// <see cref="Sgemm"/> runs on the calling thread; <see cref="SgemmParallel"/> splits rows of C
/// across threads (deterministic: each element is computed by exactly one thread, same order).
/// </summary>
public static class Gemm
{
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => Reference(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    public static void SgemmParallel(int threads, bool transA, bool transB, int m, int n, int k, float alpha,
        float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc)
    {
        if (threads <= 1 || m < 2 * threads)
        {
            Sgemm(transA, transB, m, n, k, alpha, a.AsSpan(aOffset), lda, b.AsSpan(bOffset), ldb, beta, c.AsSpan(cOffset), ldc);
            return;
        }
        int chunk = (m + threads - 1) / threads;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            int r0 = t * chunk, rows = Math.Min(chunk, m - r0);
            if (rows <= 0) return;
            var aSlice = transA ? a.AsSpan(aOffset + r0) : a.AsSpan(aOffset + r0 * lda);
            Sgemm(transA, transB, rows, n, k, alpha, aSlice, lda, b.AsSpan(bOffset), ldb, beta, c.AsSpan(cOffset + r0 * ldc), ldc);
        });
    }

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
}
