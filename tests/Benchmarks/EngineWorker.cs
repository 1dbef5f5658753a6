using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ModelCost.Core.Data;
using ModelCost.Core.Engine;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Engines;
using ModelCost.Core.Latency;
using ModelCost.Core.Specs;

namespace ModelCost.Benchmarks;

/// <summary>
/// Our side of the peer comparison, one model per process (so VmHWM is that model's): trains the
/// seed 000 spec from examples/specs on Fashion-MNIST with the seed's set-up, then measures batch-1
/// latency and batch-1000 throughput, and prints the same JSON fields as peer/train_peer.py.
/// <c>--model resnet18</c> (examples/specs/resnet18_cifar.yaml, random data) prints the median time of one
/// training step at batch 64 instead, as peer/train_peer.py does.
/// <c>--engine torch</c> runs the same through the Torch engine installed in out/ModelCost.PS/Engines/Torch (libtorch 2.10
/// via TorchSharp, the libtorch column); its latency and throughput come from the engine's MeasureLatency.
/// <c>dotnet tests/Benchmarks/bin/Release/net10.0/ModelCost.Benchmarks.dll ours --model mlp|cnn|resnet18 [--threads 2] [--engine managed|torch]</c>
/// </summary>
public static class EngineWorker
{
    public static int Run(string[] args)
    {
        var o = Options.Parse(args);
        if (o.Model == "resnet18") return ResNetStep(o);
        var spec = ModelSpecYaml.Load(Path.Combine(RepoRoot.Find(), "examples", "specs", $"seed000_{o.Model}.yaml"));
        var data = DatasetLoader.Load(DatasetCatalog.Resolve("FashionMNIST", o.Data));

        var engine = Engine(o.Engine);
        var result = engine.Train(spec, data, new TrainingOptions
        {
            Epochs = o.Epochs, BatchSize = o.BatchSize, ValidationSplit = 0.1, Optimizer = TrainingOptimizer.Adam, Seed = o.Seed, Threads = o.Threads,
        }, null, default);
        double peakMib = PeakResidentMib();
        var trained = result.GetTrainedModel();

        // Batch 1 runs on one thread: splitting a single sample's layers costs more than it saves.
        var (median, p90) = Latency(engine, trained, o.LatencyIterations);
        double throughput = Throughput(engine, trained, data, o.Threads);

        var json = new Dictionary<string, object>
        {
            ["engine"] = EngineField(engine), ["model"] = o.Model, ["threads"] = o.Threads, ["epochs"] = o.Epochs,
            ["batch_size"] = o.BatchSize, ["seed"] = o.Seed, ["train_seconds"] = result.TrainSeconds,
            ["test_accuracy"] = result.TestAccuracy, ["test_loss"] = result.TestLoss, ["val_accuracy"] = result.ValAccuracy,
            ["latency_b1_median_us"] = median * 1e6, ["latency_b1_p90_us"] = p90 * 1e6,
            ["throughput_b1000_per_s"] = throughput, ["peak_rss_mib"] = peakMib,
        };
        Console.WriteLine(JsonSerializer.Serialize(json));
        return 0;
    }

    /// <summary>One training step of ResNet-18 at 32×32×3 on random data: median of the steps after 3 warm-up steps.</summary>
    private static int ResNetStep(Options o)
    {
        const int WarmUp = 3;
        var spec = ModelSpecYaml.Load(Path.Combine(RepoRoot.Find(), "examples", "specs", "resnet18_cifar.yaml"));
        int n = (o.Steps + WarmUp) * o.BatchSize, size = 32 * 32 * 3;
        var rng = new Random(o.Seed);
        var x = new float[n * size];
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextDouble();
        var y = new int[n];
        for (int i = 0; i < n; i++) y[i] = rng.Next(10);
        var data = new TrainingData { Name = "random", SampleShape = [32, 32, 3], Classes = 10, TrainX = x, TrainY = y, TestX = [], TestY = [] };
        var ends = new List<double>();
        var engine = Engine(o.Engine);
        var result = engine.Train(spec, data, new TrainingOptions
        {
            Epochs = 1, BatchSize = o.BatchSize, ValidationSplit = 0, Optimizer = TrainingOptimizer.Adam, FromLogits = true, Seed = o.Seed,
            Threads = o.Threads, Shuffle = false, EvaluateTest = false, ProgressInterval = TimeSpan.Zero,
        }, new SyncProgress(p => ends.Add(p.Elapsed.TotalSeconds)), default);
        double peakMib = PeakResidentMib();
        var steps = ends.Zip(ends.Skip(1), (a, b) => b - a).Skip(WarmUp - 1).Order().ToArray();
        var (median, p90) = Latency(engine, result.GetTrainedModel(), Math.Max(50, o.LatencyIterations / 10));
        var json = new Dictionary<string, object>
        {
            ["engine"] = EngineField(engine), ["model"] = "resnet18", ["threads"] = o.Threads, ["batch_size"] = o.BatchSize,
            ["steps"] = steps.Length, ["step_seconds"] = steps[steps.Length / 2],
            ["latency_b1_median_us"] = median * 1e6, ["latency_b1_p90_us"] = p90 * 1e6, ["peak_rss_mib"] = peakMib,
        };
        // Our engine's own account of what it allocates (weights, planned activation/gradient buffers, scratch), beside VmHWM.
        if (engine is ManagedEngine)
        {
            var resolved = ShapeInference.Resolve(spec);
            json["managed_estimate"] = ManagedMemoryEstimate.For(resolved, o.BatchSize, true, o.Threads, (long)x.Length * 4).Breakdown;
            var plan = MemoryPlan.For(resolved, training: true);
            json["planned_buffers_mib"] = plan.TotalFloats * 4.0 * o.BatchSize / (1 << 20);
            json["peak_live_buffers_mib"] = plan.PeakLiveFloats * 4.0 * o.BatchSize / (1 << 20);
        }
        Console.WriteLine(JsonSerializer.Serialize(json));
        return 0;
    }

    /// <summary>Reports on the training thread (System.Progress would post to the thread pool).</summary>
    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    /// <summary>The managed engine, or the Torch engine installed beside the built module (out/ModelCost.PS/Engines/Torch).</summary>
    private static IModelEngine Engine(string name)
    {
        if (name == "managed") return new ManagedEngine();
        var catalog = new EngineCatalog { EngineDirectory = Path.Combine(RepoRoot.Find(), "out", "ModelCost.PS", "Engines") };
        return catalog.Get("Torch");
    }

    private static string EngineField(IModelEngine engine) => engine is ManagedEngine ? "modelcost" : "libtorch";

    /// <summary>Batch-1 latency on one thread: our inference session directly, another engine through its MeasureLatency.</summary>
    private static (double Median, double P90) Latency(IModelEngine engine, TrainedModel trained, int iterations)
    {
        if (engine is not ManagedEngine)
        {
            var m = engine.MeasureLatency(trained, new LatencyOptions { BatchSize = 1, Iterations = iterations, Warmup = 100, Threads = 1 }, default);
            return (m.MedianSeconds, m.P90Seconds);
        }
        return Latency(trained, iterations);
    }

    /// <summary>Batch-1000 throughput: our session over the test split, another engine through its MeasureLatency (median batch time).</summary>
    private static double Throughput(IModelEngine engine, TrainedModel trained, TrainingData data, int threads)
    {
        if (engine is ManagedEngine) return Throughput(trained, data, threads);
        var m = engine.MeasureLatency(trained, new LatencyOptions { BatchSize = 1000, Iterations = 3 * (data.TestCount / 1000), Warmup = data.TestCount / 1000, Threads = threads }, default);
        return m.ThroughputPerSecond;
    }

    private static (double Median, double P90) Latency(TrainedModel trained, int iterations)
    {
        using var session = InferenceSession.Create(trained, batchSize: 1, threads: 1);
        var input = new float[session.InputSize];
        var output = new float[session.OutputSize];
        for (int i = 0; i < input.Length; i++) input[i] = (i % 7) / 7f;
        for (int i = 0; i < 100; i++) session.Run(input, output);
        var times = new double[iterations];
        for (int i = 0; i < iterations; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            session.Run(input, output);
            times[i] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }
        Array.Sort(times);
        return (times[iterations / 2], times[(int)(iterations * 0.9)]);
    }

    private static double Throughput(TrainedModel trained, TrainingData data, int threads)
    {
        const int Batch = 1000;
        using var session = InferenceSession.Create(trained, Batch, threads);
        var output = new float[Batch * session.OutputSize];
        int size = session.InputSize, batches = data.TestCount / Batch;
        void Pass()
        {
            for (int b = 0; b < batches; b++) session.Run(data.TestX.AsSpan(b * Batch * size, Batch * size), output);
        }
        Pass();
        const int Passes = 3;
        long t0 = Stopwatch.GetTimestamp();
        for (int p = 0; p < Passes; p++) Pass();
        return Passes * batches * Batch / Stopwatch.GetElapsedTime(t0).TotalSeconds;
    }

    /// <summary>Peak resident set size of this process (VmHWM, Linux); NaN elsewhere.</summary>
    public static double PeakResidentMib()
    {
        const string Status = "/proc/self/status";
        if (!File.Exists(Status)) return double.NaN;
        foreach (var line in File.ReadLines(Status))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        return double.NaN;
    }

    private sealed record Options(string Model, int Threads, int Epochs, int BatchSize, int Seed, string? Data, int LatencyIterations, int Steps, string Engine)
    {
        public static Options Parse(string[] args)
        {
            string model = "mlp";
            int threads = 2, epochs = 5, batch = 64, seed = 42, iterations = 1000, steps = 10;
            string? data = null;
            string engine = "managed";
            for (int i = 1; i + 1 < args.Length; i += 2)
            {
                string v = args[i + 1];
                switch (args[i])
                {
                    case "--model": model = v; break;
                    case "--threads": threads = int.Parse(v, CultureInfo.InvariantCulture); break;
                    case "--epochs": epochs = int.Parse(v, CultureInfo.InvariantCulture); break;
                    case "--batch-size": batch = int.Parse(v, CultureInfo.InvariantCulture); break;
                    case "--seed": seed = int.Parse(v, CultureInfo.InvariantCulture); break;
                    case "--data": data = v; break;
                    case "--latency-iterations": iterations = int.Parse(v, CultureInfo.InvariantCulture); break;
                    case "--steps": steps = int.Parse(v, CultureInfo.InvariantCulture); break;
                    case "--engine": engine = v; break;
                    default: throw new ArgumentException($"unknown option {args[i]}");
                }
            }
            if (model is not ("mlp" or "cnn" or "resnet18")) throw new ArgumentException($"--model must be mlp, cnn or resnet18, not {model}");
            if (engine is not ("managed" or "torch")) throw new ArgumentException($"--engine must be managed or torch, not {engine}");
            return new Options(model, threads, epochs, batch, seed, data ?? "/usr/share/datasets/fashion-mnist", iterations, steps, engine);
        }
    }
}
