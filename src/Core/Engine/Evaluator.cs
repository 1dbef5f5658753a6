using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine;

/// <summary>Loss and accuracy of trained weights on a dataset split, in inference mode (BatchNormalization moving statistics, no dropout).</summary>
public static class Evaluator
{
    /// <summary>
    /// Evaluates on split Test or Train. The loss is sparse categorical cross-entropy, or binary
    /// cross-entropy when the last layer is a sigmoid; a linear last layer is read as logits.
    /// </summary>
    public static EvaluationResult Evaluate(TrainedModel model, TrainingData data, string split, int batchSize = 256, int threads = 0, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var last = ShapeInference.Resolve(model.Spec).Layers[^1];
        string loss = last.Activation == Activations.Sigmoid ? "BinaryCrossentropy" : "SparseCategoricalCrossentropy";
        return Evaluate(model, data, split, loss, last.Activation == Activations.Linear, batchSize, threads, ct);
    }

    /// <summary>Evaluates with an explicit loss (the one the model was trained with).</summary>
    public static EvaluationResult Evaluate(TrainedModel model, TrainingData data, string split, string loss, bool fromLogits,
        int batchSize = 256, int threads = 0, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        var resolved = ShapeInference.Resolve(model.Spec);
        bool test = (split ?? "").Trim().ToLowerInvariant() switch
        {
            "test" => true,
            "train" => false,
            _ => throw EngineChecks.Option("Split", split, $"Split '{split}' is not known; use Test or Train."),
        };
        if (batchSize < 1) throw EngineChecks.Option("BatchSize", batchSize, $"BatchSize {batchSize} must be at least 1.");
        var kind = LossFunction.Parse(loss);
        EngineChecks.CheckData(resolved, data);
        int t = EngineChecks.ResolveThreads(threads);
        bool keepLogits = LossFunction.Plan(resolved, kind, fromLogits, data.Classes);
        var (x, y) = test ? (data.TestSamples, data.TestY) : (data.TrainSamples, data.TrainY);
        int count = y.Length;
        using var net = EngineChecks.Build(resolved, Math.Max(1, Math.Min(batchSize, Math.Max(count, 1))), training: false, t, keepLogits);
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
            Model = model.Spec.Name, Dataset = data.Name, Split = test ? "Test" : "Train", Samples = count, Loss = l, Accuracy = a,
        };
    }
}
