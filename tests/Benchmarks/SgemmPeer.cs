using System.Globalization;
using ModelCost.Core.Engine.Kernels;

namespace ModelCost.Benchmarks;

/// <summary>
/// Our SGEMM against OpenBLAS on one core, in one process: for every shape the speed table's models
/// produce (recorded, <see cref="ModelGemmShapes"/>) and 2048³, the two libraries run alternately
/// (ours, OpenBLAS, ours, …) on the same buffers, each sample timed in thread CPU time (time spent
/// descheduled by other load is not counted) and the best sample kept.
/// <c>dotnet tests/Benchmarks/bin/Release/net10.0/ModelCost.Benchmarks.dll sgemm-peer [--models mlp,cnn,resnet18] [--rounds 7] [--square 2048]</c>
/// </summary>
public static class SgemmPeer
{
    public sealed record Result(string Shape, string Where, double Ours, double Peer)
    {
        public double Ratio => Ours / Peer;
    }

    public static int Run(string[] args)
    {
        string models = "mlp,cnn,resnet18";
        string? only = null;
        int rounds = 7, square = 2048;
        for (int i = 1; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--models": models = args[i + 1]; break;
                case "--rounds": rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--square": square = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--shapes": only = args[i + 1]; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        SgemmTiming.ApplyOverrides();
        if (!OpenBlas.Load())
        {
            Console.WriteLine("OpenBLAS not found (apt-get install libopenblas0-openmp): nothing to compare with.");
            return 1;
        }
        Console.WriteLine(Header());
        Console.WriteLine();
        Console.WriteLine("| Shape (m×n×k) | Where | Ours GFLOP/s | OpenBLAS GFLOP/s | Ratio |");
        Console.WriteLine("|---|---|---|---|---|");
        var results = only is null
            ? Compare(models.Split(','), rounds, square, r => Console.WriteLine(Row(r)))
            : Compare(ParseShapes(only), rounds, r => Console.WriteLine(Row(r)));
        var worst = results.MinBy(r => r.Ratio)!;
        Console.WriteLine();
        Console.WriteLine(Invariant($"{results.Count} shapes; worst ratio {worst.Ratio:F2} at {worst.Shape} ({worst.Where}); {results.Count(r => r.Ratio >= 0.9)} of {results.Count} at ≥ 0.9×."));
        return 0;
    }

    public static string Header() => Invariant(
        $"Ours: {Gemm.Isa} kernels. OpenBLAS: {OpenBlas.Path}, core {OpenBlas.CoreName} ({OpenBlas.Config.Trim()}), 1 thread. Thread CPU time, best of alternating rounds.");

    public static string Row(Result r) =>
        Invariant($"| {r.Shape} | {r.Where} | {r.Ours:F1} | {r.Peer:F1} | {r.Ratio:F2} |");

    /// <summary>"2048x2048x2048,43264x9x32t" (m×n×k, then a/b/t for Aᵀ/Bᵀ/both).</summary>
    private static List<(GemmShape, string)> ParseShapes(string text) =>
        text.Split(',').Select(t =>
        {
            string dims = t.TrimEnd('a', 'b', 't'), flags = t[dims.Length..];
            var d = dims.Split('x').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            return (new GemmShape(d[0], d[1], d[2], flags is "a" or "t", flags is "b" or "t", 1), "given");
        }).ToList();

    private static List<Result> Compare(List<(GemmShape Shape, string Where)> shapes, int rounds, Action<Result>? each)
    {
        var results = new List<Result>();
        foreach (var (s, where) in shapes)
        {
            var (ours, peer) = Time(s, rounds);
            var r = new Result(s.ToString(), where, ours, peer);
            each?.Invoke(r);
            results.Add(r);
        }
        return results;
    }

    /// <summary>Compares every recorded shape of <paramref name="models"/> plus square³ (0 = none).</summary>
    public static List<Result> Compare(IEnumerable<string> models, int rounds, int square, Action<Result>? each = null)
    {
        var shapes = new List<(GemmShape Shape, string Where)>();
        if (square > 0) shapes.Add((new GemmShape(square, square, square, false, false, 1), "square"));
        foreach (var model in models)
            foreach (var (s, where) in ModelGemmShapes.Record(model, threads: 2))
                if (!shapes.Any(x => x.Shape with { Threads = 0 } == s with { Threads = 0 }))
                    shapes.Add((s, $"{model} {where}"));
        return Compare(shapes, rounds, each);
    }

    /// <summary>GFLOP/s of ours and of OpenBLAS at one shape, one thread, best of alternating rounds.</summary>
    internal static (double Ours, double Peer) Time(GemmShape s, int rounds)
    {
        var rng = new Random(42);
        int lda = s.TransA ? s.M : s.K, ldb = s.TransB ? s.K : s.N;
        var a = new float[(long)s.M * s.K];
        var b = new float[(long)s.K * s.N];
        var c = new float[(long)s.M * s.N];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(rng.NextDouble() - 0.5);
        for (int i = 0; i < b.Length; i++) b[i] = (float)(rng.NextDouble() - 0.5);
        double flops = 2.0 * s.M * s.N * s.K;
        // Enough calls per sample for ~10 ms of work at 50 GFLOP/s, so clock granularity is noise.
        int calls = (int)Math.Clamp(0.01 * 50e9 / flops, 1, 100_000);
        void Ours() => Gemm.Sgemm(s.TransA, s.TransB, s.M, s.N, s.K, 1f, a, lda, b, ldb, 0f, c, s.N);
        void Peer() => OpenBlas.Sgemm(s.TransA, s.TransB, s.M, s.N, s.K, 1f, a, lda, b, ldb, 0f, c, s.N);
        Ours();
        Peer();
        double bestOurs = double.MaxValue, bestPeer = double.MaxValue;
        for (int r = 0; r < rounds; r++)
        {
            bestOurs = Math.Min(bestOurs, Sample(Ours, calls));
            bestPeer = Math.Min(bestPeer, Sample(Peer, calls));
        }
        return (flops / bestOurs / 1e9, flops / bestPeer / 1e9);
    }

    private static double Sample(Action call, int calls)
    {
        double t0 = ThreadCpuClock.Now();
        for (int i = 0; i < calls; i++) call();
        return (ThreadCpuClock.Now() - t0) / calls;
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
