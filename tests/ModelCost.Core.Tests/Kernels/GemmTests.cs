using FsCheck;
using FsCheck.Fluent;
using ModelCost.Core.Engine.Kernels;
using Xunit;

namespace ModelCost.Core.Tests.Kernels;

/// <summary>
/// Optimised SGEMM (every kernel family, all three loop nests, 1–3 threads) against
/// <see cref="Gemm.Reference"/>, which accumulates in double.
///
/// Tolerance, per element (Higham, "Accuracy and Stability of Numerical Algorithms", §3.1):
/// a float dot product of length k summed in any order has |fl(s) − s| ≤ γ_k·Σ|a_p·b_p| with
/// γ_k = k·u/(1 − k·u), u = 2⁻²⁴. Scaling by alpha, adding beta·C, adding the bias and splitting k
/// into blocks whose partial sums are added into C add at most 4 more roundings, so
///   |ours − exact| ≤ (k + 4)·u·(|alpha|·Σ|a||b| + |beta·c₀| + |bias|)   (first order in u).
/// The reference (double sum, one final rounding to float) is within u·|exact| of exact, so we allow
///   bound = (k + 5)·u·(|alpha|·Σ|a||b| + |beta·c₀| + |bias|) + u·|ref| + 1e-30 (underflow floor),
/// computed per element from the inputs — not a guessed epsilon.
/// </summary>
public class GemmTests
{
    private const double U = 1.0 / (1 << 24);

    private static readonly GemmIsa[] AllIsas = [GemmIsa.Scalar, GemmIsa.Vector128, GemmIsa.Avx2Fma, GemmIsa.Avx512];

    internal sealed record Case(int M, int N, int K, bool TransA, bool TransB, float Alpha, float Beta,
        int PadA, int PadB, int PadC, bool Bias, GemmActivation Activation);

    private static float[] RandomArray(Random rng, int length, double scale = 1.0)
    {
        var x = new float[length];
        for (int i = 0; i < x.Length; i++) x[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        return x;
    }

    /// <summary>Runs one case and returns the worst error divided by its bound (≤ 1 passes).</summary>
    internal static double WorstRatio(Case t, GemmIsa isa, int threads, GemmPath path, int seed)
    {
        var rng = new Random(seed);
        int lda = (t.TransA ? t.M : t.K) + t.PadA, ldb = (t.TransB ? t.K : t.N) + t.PadB, ldc = t.N + t.PadC;
        var a = RandomArray(rng, Math.Max(1, (t.TransA ? t.K : t.M) * lda));
        var b = RandomArray(rng, Math.Max(1, (t.TransB ? t.N : t.K) * ldb));
        var c0 = RandomArray(rng, Math.Max(1, t.M * ldc), 3.0);
        var bias = t.Bias ? RandomArray(rng, t.N) : [];
        var ours = (float[])c0.Clone();
        Gemm.Run(isa, threads, t.TransA, t.TransB, t.M, t.N, t.K, t.Alpha, a, lda, b, ldb, t.Beta, ours, ldc, bias, t.Activation, path);

        var expected = (float[])c0.Clone();
        Gemm.Reference(t.TransA, t.TransB, t.M, t.N, t.K, t.Alpha, a, lda, b, ldb, t.Beta, expected, ldc);
        double worst = 0;
        for (int i = 0; i < t.M; i++)
        {
            for (int j = 0; j < t.N; j++)
            {
                double absDot = 0;
                for (int p = 0; p < t.K; p++)
                {
                    float av = t.TransA ? a[p * lda + i] : a[i * lda + p];
                    float bv = t.TransB ? b[j * ldb + p] : b[p * ldb + j];
                    absDot += Math.Abs((double)av * bv);
                }
                double e = expected[i * ldc + j] + (t.Bias ? bias[j] : 0.0);
                if (t.Activation == GemmActivation.Relu && e < 0) e = 0;
                double magnitude = Math.Abs(t.Alpha) * absDot + Math.Abs(t.Beta * c0[i * ldc + j]) + (t.Bias ? Math.Abs(bias[j]) : 0);
                double bound = (t.K + 5) * U * magnitude + U * Math.Abs(e) + 1e-30;
                double err = Math.Abs(ours[i * ldc + j] - e);
                Assert.False(double.IsNaN(ours[i * ldc + j]), $"NaN at ({i},{j}) for {t} on {isa}/{path}");
                worst = Math.Max(worst, err / bound);
            }
            // Padding columns between rows of C are not part of C: they must be untouched.
            for (int j = t.N; j < ldc && i * ldc + j < ours.Length; j++)
                Assert.Equal(c0[i * ldc + j], ours[i * ldc + j]);
        }
        return worst;
    }

    private static void AssertWithinBound(Case t, GemmIsa isa, int threads, GemmPath path, int seed)
    {
        double ratio = WorstRatio(t, isa, threads, path, seed);
        Assert.True(ratio <= 1.0, $"error {ratio:F3}× the bound for {t} on {isa}, {threads} thread(s), {path}");
    }

    public static IEnumerable<object[]> Shapes()
    {
        // 1×1×1; primes straddling the 6×16, 6×32, 4×8 and 4×4 tiles; k over KC = 256 (two k-blocks).
        int[][] shapes =
        [
            [1, 1, 1], [1, 17, 3], [7, 1, 5], [6, 16, 8], [13, 37, 11], [31, 29, 61], [5, 67, 257],
            [37, 9, 300], [64, 10, 128], [2, 97, 31], [19, 33, 1],
        ];
        foreach (var s in shapes)
            for (int tr = 0; tr < 4; tr++)
                yield return [s[0], s[1], s[2], (tr & 1) != 0, (tr & 2) != 0];
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EveryKernelFamilyAndPathMatchesTheReference(int m, int n, int k, bool transA, bool transB)
    {
        var betas = new[] { 0f, 1f, 0.5f };
        int seed = m * 7919 + n * 104729 + k * 31 + (transA ? 1 : 0) + (transB ? 2 : 0);
        foreach (var isa in AllIsas)
        {
            foreach (var path in new[] { GemmPath.Auto, GemmPath.Direct, GemmPath.Packed, GemmPath.RowStream })
            {
                foreach (var beta in betas)
                {
                    var t = new Case(m, n, k, transA, transB, beta == 0.5f ? -0.75f : 1f, beta,
                        PadA: beta == 1f ? 3 : 0, PadB: beta == 0.5f ? 5 : 0, PadC: beta == 0f ? 0 : 2, Bias: false, GemmActivation.None);
                    AssertWithinBound(t, isa, 1, path, seed++);
                }
            }
        }
    }

    [Fact]
    public void LargeBlockedShapesMatchTheReferenceOnThisMachinesKernels()
    {
        // m > MC (144) and k > KC (256) exercise every blocking loop; n = 3100 > NC (3072) on one case.
        var cases = new[]
        {
            new Case(150, 70, 520, false, false, 1f, 0f, 0, 0, 0, false, GemmActivation.None),
            new Case(301, 45, 260, true, false, 1f, 1f, 1, 0, 3, false, GemmActivation.None),
            new Case(151, 47, 513, false, true, 0.5f, 0.5f, 0, 2, 0, true, GemmActivation.Relu),
            new Case(7, 3100, 40, true, true, 1f, 0f, 0, 0, 0, false, GemmActivation.None),
        };
        int seed = 11;
        foreach (var t in cases)
            foreach (var threads in new[] { 1, 2 })
                AssertWithinBound(t, Gemm.Isa, threads, GemmPath.Auto, seed++);
    }

    [Fact]
    public void PartialColumnPanelsReadInPlaceOrPackedMatchTheReference()
    {
        // n = 10 and 25 leave a partial 16-wide panel that the AVX2 kernel reads in place under lane masks;
        // ldb = 16 (n + 6) is the packed-panel stride, so that case is copied zero-padded instead. Rows 1-13.
        int seed = 77;
        foreach (var (m, n, padB) in new[] { (1, 10, 0), (13, 10, 6), (7, 25, 0), (6, 10, 3), (2, 3, 13) })
            foreach (var isa in AllIsas)
                foreach (var beta in new[] { 0f, 1f })
                    AssertWithinBound(new Case(m, n, 37, false, false, 1f, beta, 0, padB, 1, beta == 0f, GemmActivation.Relu), isa, 1, GemmPath.Direct, seed++);
    }

    /// <summary>
    /// Widths around every family's row strips: Scalar 8 then 4 columns, Vector128 32 then 16, AVX2 64 then 32,
    /// AVX-512 128 then 64, and what is left over (taken by the direct path); n ≤ 16 on AVX-512 runs the AVX2 pair.
    /// </summary>
    public static readonly int[] RowWidths = [1, 4, 7, 8, 12, 16, 17, 31, 32, 48, 63, 64, 65, 96, 100, 127, 128, 129, 192, 200, 256];

    [Fact]
    public void RowStreamMatchesTheReferenceAtEveryStripWidth()
    {
        // One row of C (batch 1) with k = 1 (one FMA), 7 (no full prefetch distance) and 300; padded B and C rows,
        // a transposed A (its column read with stride lda), beta 0 / 1 / 0.5, fused bias and ReLU.
        int seed = 1000;
        foreach (var isa in AllIsas)
            foreach (var n in RowWidths)
                foreach (var k in new[] { 1, 7, 300 })
                {
                    float beta = (n + k) % 3 == 0 ? 0f : (n + k) % 3 == 1 ? 1f : 0.5f;
                    var t = new Case(1, n, k, TransA: n % 2 == 1, TransB: false, beta == 0.5f ? -0.75f : 1f, beta,
                        PadA: 2, PadB: n % 5, PadC: 3, Bias: beta != 1f, beta == 0f ? GemmActivation.Relu : GemmActivation.None);
                    AssertWithinBound(t, isa, 1, GemmPath.RowStream, seed++);
                    AssertWithinBound(t, isa, 1, GemmPath.Auto, seed++);
                }
    }

    [Fact]
    public void RowStreamGivesTheDirectPathsBitsOnEveryFamily()
    {
        // Both compute each element as one multiply-add chain over p = 0 … k − 1 followed by the family's
        // own epilogue (the row kernels call the micro-kernels' StoreRow), so the results are equal, not close.
        var rng = new Random(17);
        foreach (var isa in AllIsas)
            foreach (var n in RowWidths)
            {
                int k = 37 + n % 11;
                var a = RandomArray(rng, k);
                var b = RandomArray(rng, k * n);
                var bias = RandomArray(rng, n);
                var direct = new float[n];
                var rows = new float[n];
                Gemm.Run(isa, 1, false, false, 1, n, k, 1f, a, k, b, n, 0f, direct, n, bias, GemmActivation.Relu, GemmPath.Direct);
                Gemm.Run(isa, 1, false, false, 1, n, k, 1f, a, k, b, n, 0f, rows, n, bias, GemmActivation.Relu, GemmPath.RowStream);
                Assert.True(direct.AsSpan().SequenceEqual(rows), $"{isa}, n = {n}: row path differs from the direct path");
            }
    }

    [Fact]
    public void FusedBiasAndReluMatchReferenceFollowedByBiasAndRelu()
    {
        int seed = 5;
        foreach (var isa in AllIsas)
            foreach (var (m, n, k) in new[] { (9, 35, 9), (64, 10, 25), (13, 16, 300), (1, 128, 784) })
                foreach (var tr in new[] { false, true })
                    foreach (var act in new[] { GemmActivation.None, GemmActivation.Relu })
                        AssertWithinBound(new Case(m, n, k, tr, tr, 1f, 0f, 0, 0, 0, true, act), isa, 1, GemmPath.Auto, seed++);
    }

    [Fact]
    public void RandomShapesPropertyHolds()
    {
        // FsCheck picks shapes, transposes, paddings and beta; the bound must hold for each.
        var gen =
            from m in Gen.Choose(1, 40)
            from n in Gen.Choose(1, 70)
            from k in Gen.Choose(0, 300)
            from tr in Gen.Choose(0, 3)
            from pads in Gen.Choose(0, 7)
            from betaIx in Gen.Choose(0, 2)
            from fused in Gen.Choose(0, 2)
            from path in Gen.Elements(GemmPath.Auto, GemmPath.Direct, GemmPath.Packed, GemmPath.RowStream)
            from threads in Gen.Choose(1, 3)
            select (new Case(m, n, k, (tr & 1) != 0, (tr & 2) != 0, 1f, new[] { 0f, 1f, 0.5f }[betaIx],
                pads & 1, (pads >> 1) & 1, pads >> 2, fused > 0, fused == 2 ? GemmActivation.Relu : GemmActivation.None), path, threads);
        Prop.ForAll(gen.ToArbitrary(), x =>
            WorstRatio(x.Item1, Gemm.Isa, x.threads, x.path, x.Item1.GetHashCode()) <= 1.0).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void ParallelResultIsBitIdenticalToOneThread()
    {
        // Each element is one FMA chain over the same k-blocks whatever the split, so equality is exact.
        // (1, 1000, 600): the row path, split across threads in whole strips.
        foreach (var (m, n, k, ta, tb) in new[] { (300, 40, 300, false, false), (9, 64, 5000, true, false), (500, 9, 32, false, true), (64, 784, 128, false, true), (1, 1000, 600, false, false) })
        {
            var rng = new Random(m + n + k);
            var a = RandomArray(rng, m * k);
            var b = RandomArray(rng, k * n);
            var one = new float[m * n];
            Gemm.SgemmParallel(1, ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0f, one, 0, n);
            foreach (var threads in new[] { 2, 3, 4 })
            {
                var many = new float[m * n];
                Gemm.SgemmParallel(threads, ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0f, many, 0, n);
                Assert.Equal(one, many);
            }
        }
    }

    /// <summary>Runs the parts on tasks, like the engine's worker pool.</summary>
    private sealed class TaskRunner(int threads) : IParallelRunner
    {
        public int Threads { get; } = threads;

        public int Calls { get; private set; }

        public void Run(Action<int> part)
        {
            Calls++;
            Task.WaitAll(Enumerable.Range(0, Threads).Select(t => Task.Run(() => part(t))).ToArray());
        }
    }

    [Fact]
    public void RunnerSplitIsBitIdenticalToOneThread()
    {
        var rng = new Random(3);
        int m = 64, n = 256, k = 300;
        var a = RandomArray(rng, m * k);
        var b = RandomArray(rng, k * n);
        var bias = RandomArray(rng, n);
        var one = new float[m * n];
        Gemm.SgemmFusedParallel(1, false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, one, 0, n, bias, 0, GemmActivation.Relu);
        foreach (var threads in new[] { 2, 3 })
        {
            var runner = new TaskRunner(threads);
            var many = new float[m * n];
            for (int repeat = 0; repeat < 2; repeat++) // second call reuses the cached job object
            {
                Gemm.SgemmFusedParallel(runner, false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, many, 0, n, bias, 0, GemmActivation.Relu);
                Assert.Equal(one, many);
            }
            Assert.Equal(2, runner.Calls);
        }
    }

    [Fact]
    public void BetaZeroDoesNotReadC()
    {
        // BLAS convention: with beta = 0, C is output only, so garbage (NaN) in it must vanish.
        // 2×3 · 3×2 with all ones: every element of C is 1+1+1 = 3.
        var a = new float[] { 1, 1, 1, 1, 1, 1 };
        var b = new float[] { 1, 1, 1, 1, 1, 1 };
        foreach (var isa in AllIsas)
        {
            var c = new[] { float.NaN, float.NaN, float.NaN, float.NaN };
            Gemm.Run(isa, 1, false, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, c, 2, default, GemmActivation.None);
            Assert.Equal(new float[] { 3, 3, 3, 3 }, c);
        }
    }

    [Fact]
    public void KZeroScalesCByBeta()
    {
        // k = 0: the product is empty, so C = beta·C: 0.5·[2, 4] = [1, 2]; with a bias [1, −5] and ReLU: [2, 0].
        var c = new float[] { 2, 4 };
        Gemm.Sgemm(false, false, 1, 2, 0, 1f, [], 0, [], 2, 0.5f, c, 2);
        Assert.Equal(new float[] { 1, 2 }, c);
        var d = new float[] { 2, 4 };
        Gemm.SgemmFusedParallel(2, false, false, 1, 2, 0, 1f, [0f], 0, 1, [0f], 0, 2, 0.5f, d, 0, 2, [1f, -5f], 0, GemmActivation.Relu);
        Assert.Equal(new float[] { 2, 0 }, d);
    }

    [Fact]
    public void HandWorkedProductWithBiasAndRelu()
    {
        // [1 2; 3 4]·[5 6; 7 8] = [1·5+2·7, 1·6+2·8; 3·5+4·7, 3·6+4·8] = [19 22; 43 50];
        // bias [−20, −100] gives [−1 −78; 23 −50]; ReLU gives [0 0; 23 0].
        var c = new float[4];
        Gemm.SgemmFused(false, false, 2, 2, 2, [1, 2, 3, 4], 2, [5, 6, 7, 8], 2, c, 2, [-20f, -100f], GemmActivation.Relu);
        Assert.Equal(new float[] { 0, 0, 23, 0 }, c);
        // Transposed storage of the same operands: Aᵀ stored is [1 3; 2 4], Bᵀ stored is [5 7; 6 8].
        var d = new float[4];
        Gemm.Sgemm(true, true, 2, 2, 2, 1f, [1, 3, 2, 4], 2, [5, 7, 6, 8], 2, 0f, d, 2);
        Assert.Equal(new float[] { 19, 22, 43, 50 }, d);
    }

    [Fact]
    public void TooShortBuffersAreRejectedBeforeAnyWrite()
    {
        var c = new float[4];
        Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 2, 2, 2, 1f, new float[3], 2, new float[4], 2, 0f, c, 2));
        Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, true, 2, 2, 3, 1f, new float[6], 3, new float[5], 3, 0f, c, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Sgemm(false, false, 2, 2, 2, 1f, new float[4], 1, new float[4], 2, 0f, c, 2));
        Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 2, 2, 2, 1f, new float[4], 2, new float[4], 2, 0f, new float[3], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Sgemm(false, false, -1, 2, 2, 1f, new float[4], 2, new float[4], 2, 0f, c, 2));
        Assert.Throws<ArgumentException>(() => Gemm.SgemmFused(false, false, 2, 2, 2, new float[4], 2, new float[4], 2, c, 2, new float[1], GemmActivation.None));
        Assert.Equal(new float[4], c);
    }
}
