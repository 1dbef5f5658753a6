using System.Diagnostics;
using System.Globalization;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;

namespace ModelCost.Benchmarks;

/// <summary>
/// Where inference time goes: one model at one batch size on random weights and inputs, the whole
/// forward pass (input copy included, as <c>InferenceSession.Run</c> does) and each layer, median of
/// many passes in wall time. Batch 1 is what the latency column measures, batch 1000 the throughput one.
/// <c>dotnet tests/Benchmarks/bin/Release/net10.0/ModelCost.Benchmarks.dll infer-profile --model mlp|cnn [--batch 1] [--threads 1] [--iterations 2000]</c>
/// (MODELCOST_GEMM_ROWS=0 and the other <see cref="SgemmTiming.ApplyOverrides"/> variables apply).
/// </summary>
public static class InferenceProfile
{
    public static int Run(string[] args)
    {
        string model = "mlp";
        int threads = 1, batch = 1, iterations = 0;
        for (int i = 1; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--model": model = args[i + 1]; break;
                case "--threads": threads = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--batch": batch = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--iterations": iterations = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        SgemmTiming.ApplyOverrides();
        if (iterations <= 0) iterations = batch <= 16 ? 5000 : 60;
        var spec = ModelSpecYaml.Load(Path.Combine(RepoRoot.Find(), "examples", "specs", ModelGemmShapes.Models.First(m => m.Name == model).File));
        var resolved = ShapeInference.Resolve(spec);
        using var net = new Network(resolved, batch, training: false, threads);
        WeightInitializer.Initialize(net, 42);
        var rng = new Random(1);
        var input = new float[net.Input.Length];
        for (int i = 0; i < input.Length; i++) input[i] = (float)rng.NextDouble();

        int L = net.Layers.Length;
        var whole = new double[iterations];
        var perLayer = new double[L][];
        for (int i = 0; i < L; i++) perLayer[i] = new double[iterations];
        for (int s = -Math.Max(10, iterations / 10); s < iterations; s++)
        {
            long t0 = Stopwatch.GetTimestamp();
            input.AsSpan().CopyTo(net.Input);
            net.Forward(batch, training: false);
            if (s >= 0) whole[s] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }
        for (int s = -Math.Max(10, iterations / 10); s < iterations; s++)
            for (int i = 0; i < L; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                net.Layers[i].Forward(batch, false);
                if (s >= 0) perLayer[i][s] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            }
        double Median(double[] x) { var c = (double[])x.Clone(); Array.Sort(c); return c[c.Length / 2]; }
        double Min(double[] x) => x.Min();
        double wm = Median(whole);
        Console.WriteLine(FormattableString.Invariant(
            $"{model} inference, batch {batch}, {threads} thread(s), {iterations} passes: median {wm * 1e6:F1} µs (min {Min(whole) * 1e6:F1}), {batch / wm:F0} samples/s; kernels {ModelCost.Core.Engine.Kernels.Gemm.Isa}"));
        for (int i = 0; i < L; i++)
            Console.WriteLine(FormattableString.Invariant(
                $"  {resolved.Layers[i].Name,-16} {resolved.Layers[i].Type,-14} median {Median(perLayer[i]) * 1e6,9:F1} µs  min {Min(perLayer[i]) * 1e6,9:F1} µs"));
        return 0;
    }
}
