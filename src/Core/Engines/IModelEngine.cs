using ModelCost.Core.Engine;
using ModelCost.Core.Latency;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engines;

/// <summary>
/// One way to run a model: the managed engine, libtorch, PyTorch ranks, ONNX Runtime. Commands ask the
/// <see cref="EngineCatalog"/> for an engine by name and talk only to this interface, so an engine plugs
/// in without any command learning about it.
/// </summary>
/// <remarks>
/// Contract every engine keeps (tests/ModelCost.Core.Tests/Engines/EngineContractTests.cs checks it):
/// <list type="bullet">
/// <item>No PowerShell: progress goes to <see cref="IProgress{T}"/>, cancellation comes from the
/// <see cref="CancellationToken"/>, bad input and failures throw <see cref="Errors.ModelCostException"/>
/// with a stable error id.</item>
/// <item><see cref="Supports"/> is cheap (no weights, no data) and each operation calls
/// <see cref="EngineSupport.Ensure"/> before any work, so a layer the engine lacks is refused up front by name.</item>
/// <item>A run that stops early is a result, not an exception: <see cref="Train"/> returns a
/// <see cref="TrainingResult"/> whose <see cref="TrainingResult.Status"/> says Diverged or Cancelled, with
/// the last good weights.</item>
/// <item>Every result names the engine (<c>Engine</c> property) and weights travel between engines as
/// <see cref="TrainedModel"/> (tensor names and layouts of <see cref="WeightLayout"/>, the safetensors layout).</item>
/// <item>Engine-specific settings come in <see cref="EngineRunOptions.EngineOptions"/>; an engine refuses
/// a key it does not know (<see cref="EngineOptionValues"/>).</item>
/// </list>
/// </remarks>
public interface IModelEngine
{
    /// <summary>The name users pass to <c>-Engine</c> (Managed, Torch, PyTorch, OnnxRuntime).</summary>
    string Name { get; }

    /// <summary>What the engine can do at all (ONNX Runtime, for one, only measures latency).</summary>
    EngineOperations Operations { get; }

    /// <summary>
    /// The reasons this engine cannot run <paramref name="spec"/> for <paramref name="operation"/>, one per
    /// layer or option it lacks; empty when it can. Throws only for a spec that is itself invalid.
    /// </summary>
    IReadOnlyList<EngineLimitation> Supports(ModelSpec spec, EngineOperations operation);

    /// <summary>Trains <paramref name="spec"/> on <paramref name="data"/> (Keras fit semantics).</summary>
    TrainingResult Train(ModelSpec spec, TrainingData data, TrainingOptions options,
        IProgress<TrainingProgress>? progress, CancellationToken cancellationToken);

    /// <summary>Loss and accuracy of trained weights on one split of <paramref name="data"/>.</summary>
    EvaluationResult Evaluate(TrainedModel model, TrainingData data, EvaluationOptions options, CancellationToken cancellationToken);

    /// <summary>Times inference of a spec (initialised weights) or trained weights on this machine.</summary>
    LatencyMeasurement MeasureLatency(IModelSource model, LatencyOptions options, CancellationToken cancellationToken);
}
