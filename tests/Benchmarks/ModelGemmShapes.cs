using ModelCost.Core.Engine;
using ModelCost.Core.Engine.Kernels;
using ModelCost.Core.Engine.Optimizers;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;

namespace ModelCost.Benchmarks;

/// <summary>
/// The GEMM calls a model really makes, recorded through <see cref="GemmDriver.Observer"/>: one
/// training step (forward, loss, backward) at batch 64 on the training thread count, and inference
/// at batch 1 (one thread, as latency runs) and batch 1000 (as throughput runs). Distinct shapes only.
/// </summary>
public static class ModelGemmShapes
{
    /// <summary>The models of the speed table: file under examples/specs, and whether batch-1000 inference is measured.</summary>
    public static readonly (string Name, string File, bool Throughput)[] Models =
    [
        ("mlp", "seed000_mlp.yaml", true),
        ("cnn", "seed000_cnn.yaml", true),
        ("resnet18", "resnet18_cifar.yaml", false),
    ];

    internal static List<(GemmShape Shape, string Where)> Record(string model, int threads, int batch = 64)
    {
        var entry = Models.First(m => m.Name == model);
        var spec = ModelSpecYaml.Load(Path.Combine(RepoRoot.Find(), "examples", "specs", entry.File));
        var seen = new Dictionary<(int, int, int, bool, bool), string>();
        var order = new List<(GemmShape, string)>();
        string where = "";
        void Observe(GemmShape s)
        {
            lock (seen)
            {
                if (seen.ContainsKey((s.M, s.N, s.K, s.TransA, s.TransB))) return;
                seen[(s.M, s.N, s.K, s.TransA, s.TransB)] = where;
                order.Add((s, where));
            }
        }
        GemmDriver.Observer = Observe;
        try
        {
            where = $"train b{batch}";
            TrainingStep(spec, batch, threads);
            where = "infer b1";
            Infer(spec, 1, 1);
            if (entry.Throughput)
            {
                where = "infer b1000";
                Infer(spec, 1000, threads);
            }
        }
        finally
        {
            GemmDriver.Observer = null;
        }
        return order;
    }

    private static void TrainingStep(ModelSpec spec, int batch, int threads)
    {
        var resolved = ShapeInference.Resolve(spec);
        int classes = resolved.OutputShape[^1];
        bool fromLogits = resolved.Layers[^1].Activation == "linear";
        bool keepLogits = LossFunction.Plan(resolved, LossKind.SparseCategoricalCrossentropy, fromLogits, classes);
        using var net = new Network(resolved, batch, training: true, threads, keepLogits);
        WeightInitializer.Initialize(net, 42);
        var loss = new LossFunction(net, LossKind.SparseCategoricalCrossentropy);
        var rng = new Random(1);
        for (int i = 0; i < net.Input.Length; i++) net.Input[i] = (float)rng.NextDouble();
        var labels = new int[batch];
        for (int i = 0; i < batch; i++) labels[i] = rng.Next(classes);
        net.Forward(batch, training: true);
        loss.Compute(batch, labels, gradient: true);
        net.Backward(batch);
        new Adam(1e-3, net.Params.Length).Step(net.Params, net.Grads, net.PreviousParams, net.Pool);
    }

    private static void Infer(ModelSpec spec, int batch, int threads)
    {
        using var session = InferenceSession.Create(spec, batch, threads);
        var input = new float[batch * session.InputSize];
        session.Run(input, new float[batch * session.OutputSize]);
    }
}
