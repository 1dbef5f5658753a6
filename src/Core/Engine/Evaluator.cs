using ModelCost.Core.Data;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine;

/// <summary>
/// The managed engine's evaluation (<see cref="ManagedEngine.Evaluate"/>): loss and accuracy of trained
/// weights on a dataset split, in inference mode (BatchNormalization moving statistics, no dropout).
/// </summary>
internal static class Evaluator
{
    /// <summary>
    /// Evaluates on <see cref="EvaluationOptions.Split"/>. Unless the options name it, the loss is sparse
    /// categorical cross-entropy, or binary cross-entropy when the last layer is a sigmoid, and a linear
    /// last layer is read as logits.
    /// </summary>
    public static EvaluationResult Evaluate(TrainedModel model, TrainingData data, EvaluationOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        var resolved = ShapeInference.Resolve(model.Spec);
        var last = resolved.Layers[^1];
        var kind = Trainer.CheckLoss(options.Loss ?? (last.Activation == Activations.Sigmoid ? LossKind.BinaryCrossentropy : LossKind.SparseCategoricalCrossentropy));
        bool fromLogits = options.FromLogits ?? last.Activation == Activations.Linear;
        bool test = options.Split switch
        {
            DatasetSplit.Test => true,
            DatasetSplit.Train => false,
            _ => throw EngineChecks.Option("Split", options.Split, $"Split {(int)options.Split} is not known; use Test or Train."),
        };
        if (options.BatchSize < 1) throw EngineChecks.Option("BatchSize", options.BatchSize, $"BatchSize {options.BatchSize} must be at least 1.");
        EngineChecks.CheckData(resolved, data);
        int t = EngineChecks.ResolveThreads(options.Threads);
        bool keepLogits = LossFunction.Plan(resolved, kind, fromLogits, data.Classes);
        var (x, y) = test ? (data.TestSamples, data.TestY) : (data.TrainSamples, data.TrainY);
        int count = y.Length;
        using var net = EngineChecks.Build(resolved, Math.Max(1, Math.Min(options.BatchSize, Math.Max(count, 1))), training: false, t, keepLogits);
        net.ImportTensors(model.Tensors);
        var lf = new LossFunction(net, kind);
        double l, a;
        try
        {
            (l, a) = BatchRunner.Evaluate(net, lf, x, y, 0, count, ct);
        }
        catch (OperationCanceledException ex) when (ct.IsCancellationRequested)
        {
            throw new ModelCostException(ErrorIds.OperationCancelled, ModelCostErrorCategory.OperationStopped,
                $"Evaluating '{model.Spec.Name}' on '{data.Name}' was cancelled.", model.Spec.Name, ex);
        }
        return new EvaluationResult
        {
            Model = model.Spec.Name, Dataset = data.Name, Split = options.Split, Engine = ManagedEngine.EngineName,
            Samples = count, Loss = l, Accuracy = a,
        };
    }
}
