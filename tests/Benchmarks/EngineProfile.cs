using System.Diagnostics;
using System.Globalization;
using ModelCost.Core.Engine;
using ModelCost.Core.Engine.Kernels;
using ModelCost.Core.Engine.Optimizers;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;

namespace ModelCost.Benchmarks;

/// <summary>
/// Stopwatch breakdown of one training step per layer (forward, backward), loss and optimizer, on
/// random data: where the training time goes.
/// <c>dotnet tests/Benchmarks/bin/Release/net10.0/ModelCost.Benchmarks.dll profile --model mlp|cnn|resnet18 [--threads 2] [--steps 200]</c>
/// </summary>
public static class EngineProfile
{
    public static int Run(string[] args)
    {
        string model = "mlp";
        int threads = 2, steps = 200, batch = 64;
        for (int i = 1; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--model": model = args[i + 1]; break;
                case "--threads": threads = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--steps": steps = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--batch-size": batch = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
            }
        }
        var spec = ModelSpecYaml.Load(Path.Combine(RepoRoot.Find(), "examples", "specs", ModelGemmShapes.Models.First(m => m.Name == model).File));
        var resolved = ShapeInference.Resolve(spec);
        bool fromLogits = resolved.Layers[^1].Activation == "linear";
        bool keepLogits = LossFunction.Plan(resolved, LossKind.SparseCategoricalCrossentropy, fromLogits, 10);
        using var net = new Network(resolved, batch, training: true, threads, keepLogits);
        WeightInitializer.Initialize(net, 42);
        Array.Copy(net.Params, net.PreviousParams, net.Params.Length);
        var loss = new LossFunction(net, LossKind.SparseCategoricalCrossentropy);
        var opt = new Adam(1e-3, net.Params.Length);
        var rng = new Random(1);
        for (int i = 0; i < net.Input.Length; i++) net.Input[i] = (float)rng.NextDouble();
        var labels = new int[batch];
        for (int i = 0; i < batch; i++) labels[i] = rng.Next(10);

        int L = net.Layers.Length;
        var fwd = new double[L];
        var bwd = new double[L];
        double lossT = 0, optT = 0;
        // One thread: the caller's CPU time (steady on a shared machine); more threads: wall time.
        bool cpu = threads == 1;
        double Now() => cpu ? ThreadCpuClock.Now() : Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
        double Since(double t) => Now() - t;
        int warmUp = Math.Min(20, steps);
        for (int s = -warmUp; s < steps; s++)
        {
            bool count = s >= 0;
            for (int i = 0; i < L; i++) { var t = Now(); net.Layers[i].Forward(batch, true); if (count) fwd[i] += Since(t); }
            { var t = Now(); loss.Compute(batch, labels, gradient: true); if (count) lossT += Since(t); }
            for (int i = L - 1; i >= 0; i--)
            {
                if (!net.Contributes[i] || !net.NeedsGrad[i]) continue;
                var t = Now(); net.Layers[i].Backward(batch); if (count) bwd[i] += Since(t);
            }
            { var t = Now(); opt.Step(net.Params, net.Grads, net.PreviousParams, net.Pool); net.SwapParams(); net.Step++; if (count) optT += Since(t); }
        }
        double total = fwd.Sum() + bwd.Sum() + lossT + optT;
        Console.WriteLine(FormattableString.Invariant($"{model}: {threads} thread(s), batch {batch}, {steps} steps: {total / steps * 1e6:F0} µs/step of {(cpu ? ThreadCpuClock.Kind : "wall time")} ({total / steps * 844 * 5:F2} s for 5 epochs of 844 steps, without validation); GEMM kernels {Gemm.Isa} (CPU: {GemmDriver.Hardware})"));
        for (int i = 0; i < L; i++)
            Console.WriteLine(FormattableString.Invariant($"  {resolved.Layers[i].Name,-16} {resolved.Layers[i].Type,-14} fwd {fwd[i] / steps * 1e6,8:F1} µs  bwd {bwd[i] / steps * 1e6,8:F1} µs"));
        Console.WriteLine(FormattableString.Invariant($"  loss {lossT / steps * 1e6:F1} µs, optimizer {optT / steps * 1e6:F1} µs"));
        return 0;
    }
}
