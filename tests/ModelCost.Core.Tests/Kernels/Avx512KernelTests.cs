using ModelCost.Core.Engine.Kernels;
using Xunit;
using static ModelCost.Core.Tests.Kernels.GemmTests;

namespace ModelCost.Core.Tests.Kernels;

/// <summary>
/// The AVX-512 family on real AVX-512 instructions (skipped where the CPU lacks them), against the
/// double-accumulating reference with <see cref="GemmTests"/>' per-element bound
/// (k + 5)·u·(|alpha|·Σ|a||b| + |beta·c₀| + |bias|) + u·|ref|. Shapes cover full 6×32 tiles, partial
/// tiles (masked 256-bit halves), n ≤ 16 (dispatched to the 6×16 kernel), k over KC, transposes,
/// padded leading dimensions, fused bias/ReLU and 1–3 threads, and one row of C through the 128- and 64-column
/// row strips (<see cref="Avx512RowKernel"/>, batch-1 Dense layers).
/// </summary>
public class Avx512KernelTests
{
    [Avx512Fact]
    public void DetectedFamilyIsAvx512() => Assert.Equal(GemmIsa.Avx512, Gemm.Isa);

    [Avx512Fact]
    public void EveryShapeClassMatchesTheReference()
    {
        int seed = 1;
        var shapes = new (int M, int N, int K)[]
        {
            (6, 32, 8), (7, 33, 9), (13, 64, 300), (1, 10, 128), (43, 9, 32), (64, 16, 9), (5, 31, 257),
            (150, 70, 520), (12, 48, 17), (2, 97, 31), (1000 / 8, 10, 128),
            (1, 256, 784), (1, 200, 300), (1, 64, 800), (1, 129, 9),
        };
        foreach (var (m, n, k) in shapes)
            for (int tr = 0; tr < 4; tr++)
                foreach (var path in new[] { GemmPath.Auto, GemmPath.Direct, GemmPath.Packed, GemmPath.RowStream })
                    foreach (var threads in new[] { 1, 3 })
                    {
                        float beta = (tr + (int)path) % 3 == 0 ? 0f : tr % 2 == 0 ? 1f : 0.5f;
                        var t = new Case(m, n, k, (tr & 1) != 0, (tr & 2) != 0, beta == 0.5f ? -0.75f : 1f, beta,
                            PadA: tr, PadB: 3 - tr, PadC: 2, Bias: beta == 0f, beta == 0f && (m & 1) == 0 ? GemmActivation.Relu : GemmActivation.None);
                        double ratio = WorstRatio(t, GemmIsa.Avx512, threads, path, seed++);
                        Assert.True(ratio <= 1.0, $"error {ratio:F3}× the bound for {t}, {path}, {threads} thread(s)");
                    }
    }
}
