using System.Diagnostics;
using ModelCost.Core.Engine.Kernels;

namespace ModelCost.Benchmarks;

/// <summary>
/// Quick Stopwatch timing of SGEMM (best of several runs) for the peer table and for tuning;
/// BenchmarkDotNet's <see cref="SgemmBenchmarks"/> gives the statistically careful numbers.
/// </summary>
public static class SgemmTiming
{
    /// <summary>GFLOP/s of the best of <paramref name="repeats"/> runs of C = A·B at m×n×k.</summary>
    public static double GflopsPerSecond(int m, int n, int k, int threads = 1, int repeats = 5, bool transA = false, bool transB = false)
    {
        var rng = new Random(42);
        var a = new float[m * k];
        var b = new float[k * n];
        var c = new float[m * n];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(rng.NextDouble() - 0.5);
        for (int i = 0; i < b.Length; i++) b[i] = (float)(rng.NextDouble() - 0.5);
        int lda = transA ? m : k, ldb = transB ? k : n;
        Gemm.SgemmParallel(threads, transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
        double best = double.MaxValue;
        var sw = new Stopwatch();
        for (int r = 0; r < repeats; r++)
        {
            sw.Restart();
            Gemm.SgemmParallel(threads, transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return 2.0 * m * n * k / best / 1e9;
    }

    /// <summary>Block-size sweeps: MODELCOST_GEMM_KC / _MC / _NC / _DIRECT override the driver's defaults; MODELCOST_GEMM_ROWS=0 turns the batch-1 row path off.</summary>
    public static void ApplyOverrides()
    {
        if (Environment.GetEnvironmentVariable("MODELCOST_GEMM_KC") is { } kc) GemmDriver.KC = int.Parse(kc, System.Globalization.CultureInfo.InvariantCulture);
        if (Environment.GetEnvironmentVariable("MODELCOST_GEMM_MC") is { } mc) GemmDriver.MC = int.Parse(mc, System.Globalization.CultureInfo.InvariantCulture);
        if (Environment.GetEnvironmentVariable("MODELCOST_GEMM_DIRECT") is { } dm) GemmDriver.DirectMaxB = long.Parse(dm, System.Globalization.CultureInfo.InvariantCulture);
        if (Environment.GetEnvironmentVariable("MODELCOST_GEMM_ROWS") is { } rows) GemmDriver.RowStreamAuto = rows != "0";
        if (Environment.GetEnvironmentVariable("MODELCOST_GEMM_NC") is { } nc) GemmDriver.NC = int.Parse(nc, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Prints GFLOP/s for a few shapes: <c>dotnet run -c Release --project tests/Benchmarks -- sgemm</c>.</summary>
    public static void Print(string[] args)
    {
        ApplyOverrides();
        Console.WriteLine($"ISA {Gemm.Isa} KC {GemmDriver.KC} MC {GemmDriver.MC} NC {GemmDriver.NC}");
        var shapes = new (int M, int N, int K, bool TA, bool TB)[]
        {
            (2048, 2048, 2048, false, false), (1024, 1024, 1024, false, false), (1024, 1024, 1024, true, true),
            (64, 128, 784, false, false), (784, 128, 64, true, false), (64, 784, 128, false, true),
            (64, 256, 784, false, false), (784, 256, 64, true, false), (64, 784, 256, false, true), (64, 128, 256, false, false),
            (1000, 256, 784, false, false), (1000, 128, 256, false, false), (1000, 10, 128, false, false),
            (43264, 32, 9, false, false), (9, 32, 43264, true, false), (43264, 9, 32, false, true),
            (6400, 64, 288, false, false), (288, 64, 6400, true, false), (6400, 288, 64, false, true),
        };
        int threads = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1;
        foreach (var s in shapes)
        {
            int reps = (long)s.M * s.N * s.K > 1L << 30 ? 3 : 20;
            Console.WriteLine(FormattableString.Invariant(
                $"{s.M,6}x{s.N,5}x{s.K,6} tA={(s.TA ? 1 : 0)} tB={(s.TB ? 1 : 0)} threads={threads}: {GflopsPerSecond(s.M, s.N, s.K, threads, reps, s.TA, s.TB),7:F1} GFLOP/s"));
        }
    }
}
