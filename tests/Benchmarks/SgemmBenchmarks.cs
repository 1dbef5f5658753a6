using BenchmarkDotNet.Attributes;
using ModelCost.Core.Engine.Kernels;

namespace ModelCost.Benchmarks;

/// <summary>
/// SGEMM at the shapes the seed models hit (Dense forward/backward at batch 64, the CNN's convolutions
/// lowered to GEMM) and at square sizes, on one thread and on two.
/// <c>dotnet run -c Release --project tests/Benchmarks -- --filter '*SgemmBenchmarks*'</c>
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class SgemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];

    /// <summary>m×n×k and transposes: "m,n,k,tA,tB".</summary>
    [Params("64,256,784,0,0", "784,256,64,1,0", "64,784,256,0,1", "43264,16,9,0,0", "6400,32,144,0,0", "256,256,256,0,0", "1024,1024,1024,0,0", "2048,2048,2048,0,0")]
    public string Shape { get; set; } = "256,256,256,0,0";

    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    private int _m, _n, _k;
    private bool _ta, _tb;

    [GlobalSetup]
    public void Setup()
    {
        var s = Shape.Split(',');
        _m = int.Parse(s[0], System.Globalization.CultureInfo.InvariantCulture);
        _n = int.Parse(s[1], System.Globalization.CultureInfo.InvariantCulture);
        _k = int.Parse(s[2], System.Globalization.CultureInfo.InvariantCulture);
        _ta = s[3] == "1";
        _tb = s[4] == "1";
        var rng = new Random(1);
        _a = new float[_m * _k];
        _b = new float[_k * _n];
        _c = new float[_m * _n];
        for (int i = 0; i < _a.Length; i++) _a[i] = (float)rng.NextDouble() - 0.5f;
        for (int i = 0; i < _b.Length; i++) _b[i] = (float)rng.NextDouble() - 0.5f;
    }

    /// <summary>GFLOP/s = 2·m·n·k / (mean time in ns).</summary>
    [Benchmark]
    public void Sgemm() => Gemm.SgemmParallel(Threads, _ta, _tb, _m, _n, _k, 1f, _a, 0, _ta ? _m : _k, _b, 0, _tb ? _k : _n, 0f, _c, 0, _n);
}
