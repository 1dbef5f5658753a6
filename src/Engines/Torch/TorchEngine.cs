using ModelCost.Core.Engine;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Engines;
using ModelCost.Core.Errors;
using ModelCost.Core.Latency;
using ModelCost.Core.Specs;
using ModelCost.Engines.Torch;
using ModelCost.Engines.Torch.Layers;
using static TorchSharp.torch;

[assembly: ModelEngine(typeof(TorchEngine))]

namespace ModelCost.Engines.Torch;

/// <summary>
/// libtorch 2.10 through TorchSharp (<c>-Engine Torch</c>): the same datasets, batches, seeds, validation split,
/// initial weights, dropout masks, losses and Keras optimisers as the managed engine, computed by libtorch's CPU
/// kernels, so both engines train the same model to the same numbers within float32 rounding (docs/engine.md,
/// "The Torch engine"). Installed on demand into Engines/Torch beside the module; loaded only when asked for.
/// </summary>
public sealed class TorchEngine : IModelEngine
{
    public const string EngineName = "Torch";

    public string Name => EngineName;

    public EngineOperations Operations => EngineOperations.All;

    public IReadOnlyList<EngineLimitation> Supports(ModelSpec spec, EngineOperations operation)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var limits = new List<EngineLimitation>();
        foreach (var layer in ShapeInference.Resolve(spec).Layers)
            if (TorchNetwork.Limitation(layer) is { } limit) limits.Add(limit);
        return limits;
    }

    public TrainingResult Train(ModelSpec spec, TrainingData data, TrainingOptions options,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        Prepare(spec, options, EngineOperations.Train);
        return TorchTrainer.Train(spec, data, options, progress, cancellationToken);
    }

    public EvaluationResult Evaluate(TrainedModel model, TrainingData data, EvaluationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        Prepare(model.Spec, options, EngineOperations.Evaluate);
        ArgumentNullException.ThrowIfNull(data);
        var resolved = ShapeInference.Resolve(model.Spec);
        var last = resolved.Layers[^1];
        var kind = Trainer.CheckLoss(options.Loss ?? (last.Activation == Activations.Sigmoid ? LossKind.BinaryCrossentropy : LossKind.SparseCategoricalCrossentropy));
        bool fromLogits = options.FromLogits ?? last.Activation == Activations.Linear;
        bool test = options.Split switch
        {
            Core.Data.DatasetSplit.Test => true,
            Core.Data.DatasetSplit.Train => false,
            _ => throw EngineChecks.Option("Split", options.Split, $"Split {(int)options.Split} is not known; use Test or Train."),
        };
        if (options.BatchSize < 1) throw EngineChecks.Option("BatchSize", options.BatchSize, $"BatchSize {options.BatchSize} must be at least 1.");
        EngineChecks.CheckData(resolved, data);
        TorchRuntime.UseThreads(EngineChecks.ResolveThreads(options.Threads));
        LossFunction.Plan(resolved, kind, fromLogits, data.Classes);
        var (x, y) = test ? (data.TestSamples, data.TestY) : (data.TrainSamples, data.TrainY);
        using var net = new TorchNetwork(resolved, model.Tensors);
        var loss = new TorchLoss(kind);
        double l, a;
        try
        {
            (l, a) = TorchTrainer.EvaluateRange(net, loss, x, y, 0, y.Length, options.BatchSize, cancellationToken);
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new ModelCostException(ErrorIds.OperationCancelled, ModelCostErrorCategory.OperationStopped,
                $"Evaluating '{model.Spec.Name}' on '{data.Name}' was cancelled.", model.Spec.Name, ex);
        }
        return new EvaluationResult
        {
            Model = model.Spec.Name, Dataset = data.Name, Split = options.Split, Engine = Name,
            Samples = y.Length, Loss = l, Accuracy = a,
        };
    }

    public LatencyMeasurement MeasureLatency(IModelSource model, LatencyOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var spec = model.GetSpec();
        Prepare(spec, options, EngineOperations.MeasureLatency);
        var resolved = LatencyMeter.Validate(spec, options);
        TorchRuntime.UseThreads(LatencyMeter.ResolveThreads(options));
        var trained = model.GetTrainedModel();
        using var net = new TorchNetwork(resolved, trained?.Tensors ?? WeightInitializer.InitialTensors(resolved, options.Seed));
        var values = new float[(long)options.BatchSize * ShapeInference.Elements(resolved.InputShape)];
        LatencyMeter.FillInput(values);
        using var input = tensor(values, [options.BatchSize, .. resolved.InputShape.Select(d => (long)d)]);
        var step = new TorchStep(false, options.Seed, 0);
        return LatencyMeter.Measure(Name, resolved, trained is null ? "Initialised" : "Trained", options, () =>
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            net.Forward(input, step, logits: false);
        }, cancellationToken);
    }

    private void Prepare(ModelSpec spec, EngineRunOptions options, EngineOperations operation)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        _ = new EngineOptionValues(Name, options.EngineOptions);
        EngineSupport.Ensure(this, spec, operation);
        TorchRuntime.EnsureLoaded();
    }
}
