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
public sealed class TorchEngine : IModelEngine, IEngineProbe
{
    public const string EngineName = "Torch";

    public string Name => EngineName;

    public EngineOperations Operations => EngineOperations.All;

    public IReadOnlyList<EngineLimitation> Supports(ModelSpec spec, EngineOperations operation) =>
        EngineSupport.LayerLimitations(spec, TorchNetwork.Limitation);

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
        EngineChecks.CheckWeightsFit(resolved, training: false);
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

    public EngineProbeResult Probe(TrainedModel model, float[] inputs, int[] labels, LossKind loss, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        EngineSupport.Ensure(this, model.Spec, EngineOperations.Train);
        TorchRuntime.EnsureLoaded();
        TorchRuntime.UseThreads(1);
        var resolved = ShapeInference.Resolve(model.Spec);
        int n = labels.Length;
        using var net = new TorchNetwork(resolved, model.Tensors);
        using var scope = NewDisposeScope();
        var x = tensor(inputs, [n, .. resolved.InputShape.Select(d => (long)d)]);
        var logits = net.Forward(x, new TorchStep(true, seed, 0), logits: true);
        var (mean, sum, _) = new TorchLoss(loss).Compute(logits, tensor(labels.Select(l => (long)l).ToArray(), [n]));
        mean.backward();
        var names = net.Weights.TrainableNames;
        var trainable = net.Weights.Trainable;
        return new EngineProbeResult
        {
            Logits = logits.detach().contiguous().data<float>().ToArray(),
            Loss = sum / n,
            Gradients = trainable.Select((p, i) => new NamedTensor(names[i], p.shape.Select(d => (int)d).ToArray(),
                (p.grad ?? zeros_like(p)).contiguous().data<float>().ToArray())).ToArray(),
        };
    }

    private void Prepare(ModelSpec spec, EngineRunOptions options, EngineOperations operation)
    {
        EngineSupport.Prepare(this, spec, options, operation);
        TorchRuntime.EnsureLoaded();
    }
}
