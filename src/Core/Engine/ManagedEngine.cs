using ModelCost.Core.Engine.Layers;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Engines;
using ModelCost.Core.Latency;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine;

/// <summary>
/// The built-in engine (<c>-Engine Managed</c>, the default): float32 NHWC buffers, our own SIMD kernels,
/// Keras semantics (docs/engine.md). Training, evaluation and inference sessions live beside it in this
/// folder; this class is the only way in from outside.
/// </summary>
public sealed class ManagedEngine : IModelEngine, IEngineProbe, IMemoryEstimator
{
    public const string EngineName = EngineCatalog.ManagedName;

    public string Name => EngineName;

    public EngineOperations Operations => EngineOperations.All;

    /// <summary>What a run allocates, from the engine's own buffers (<see cref="ManagedMemoryEstimate"/>, docs/engine.md).</summary>
    public Memory.MemoryEstimate EstimateMemory(ModelSpec spec, EngineOperations operation, int batchSize, EngineRunOptions options, long dataBytes)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        return ManagedMemoryEstimate.For(ShapeInference.Resolve(spec), batchSize, operation == EngineOperations.Train,
            options.Threads > 0 ? options.Threads : Environment.ProcessorCount, dataBytes);
    }

    /// <summary>The layers and options the kernels lack (e.g. GRU with reset_after=False), whatever the operation.</summary>
    public IReadOnlyList<EngineLimitation> Supports(ModelSpec spec, EngineOperations operation) =>
        EngineSupport.LayerLimitations(spec, LayerFactory.Limitation);

    public TrainingResult Train(ModelSpec spec, TrainingData data, TrainingOptions options,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        Prepare(spec, options, EngineOperations.Train);
        return Trainer.Train(spec, data, options, progress, cancellationToken);
    }

    public EvaluationResult Evaluate(TrainedModel model, TrainingData data, EvaluationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        Prepare(model.Spec, options, EngineOperations.Evaluate);
        return Evaluator.Evaluate(model, data, options, cancellationToken);
    }

    public LatencyMeasurement MeasureLatency(IModelSource model, LatencyOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var spec = model.GetSpec();
        Prepare(spec, options, EngineOperations.MeasureLatency);
        var resolved = LatencyMeter.Validate(spec, options);
        int threads = LatencyMeter.ResolveThreads(options);
        var trained = model.GetTrainedModel();
        using var session = trained is null
            ? InferenceSession.Create(spec, options.BatchSize, threads, options.Seed)
            : InferenceSession.Create(trained, options.BatchSize, threads);
        var input = new float[options.BatchSize * session.InputSize];
        var output = new float[options.BatchSize * session.OutputSize];
        LatencyMeter.FillInput(input);
        return LatencyMeter.Measure(Name, resolved, trained is null ? "Initialised" : "Trained", options,
            () => session.Run(input, output), cancellationToken);
    }

    public EngineProbeResult Probe(TrainedModel model, float[] inputs, int[] labels, LossKind loss, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        var resolved = ShapeInference.Resolve(model.Spec);
        int n = labels.Length, width = (int)resolved.Layers[^1].OutputElements;
        bool fromLogits = resolved.Layers[^1].Activation == Activations.Linear;
        int classes = loss == LossKind.BinaryCrossentropy && width == 1 ? 2 : width;
        bool keepLogits = LossFunction.Plan(resolved, loss, fromLogits, classes);
        using var net = EngineChecks.Build(resolved, n, training: true, threads: 1, keepLogits);
        net.Seed = seed;
        net.ImportTensors(model.Tensors);
        var lossFunction = new LossFunction(net, loss);
        inputs.AsSpan().CopyTo(net.Input);
        net.Forward(n, training: true);
        var (sum, _) = lossFunction.Compute(n, labels, gradient: true);
        net.Backward(n);
        return new EngineProbeResult
        {
            Logits = (net.Last.Pre ?? net.Last.Output).AsSpan(0, n * width).ToArray(),
            Loss = sum / n,
            Gradients = net.Slots.Where(s => s.Trainable)
                .Select(s => new NamedTensor(s.Name, (int[])s.Shape.Clone(), net.Grads.AsSpan(net.Offset(s.Name), (int)s.Elements).ToArray())).ToArray(),
        };
    }

    private void Prepare(ModelSpec spec, EngineRunOptions options, EngineOperations operation) =>
        EngineSupport.Prepare(this, spec, options, operation);
}
