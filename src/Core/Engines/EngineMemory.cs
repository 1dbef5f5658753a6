using ModelCost.Core.Engine;
using ModelCost.Core.Memory;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engines;

/// <summary>
/// The memory check of the seam (issue 15): before any engine trains, evaluates or times a model, its estimate of
/// what the run allocates (<see cref="IMemoryEstimator"/>, or the managed engine's rules) is compared with what the
/// process may still take (<see cref="AvailableMemory"/>), and a run that cannot fit fails with InsufficientMemory
/// naming both and the largest batch size that fits, instead of being OOM-killed. The cmdlets call it for every
/// engine before handing it the model; <see cref="EngineRunOptions.CheckMemory"/> false (their -Force) skips it.
/// </summary>
public static class EngineMemory
{
    /// <summary>The engine's own estimate, or the managed engine's when it has none.</summary>
    public static MemoryEstimate Estimate(IModelEngine engine, ModelSpec spec, EngineOperations operation, int batchSize, EngineRunOptions options, long dataBytes = 0)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(options);
        if (engine is IMemoryEstimator own) return own.EstimateMemory(spec, operation, batchSize, options, dataBytes);
        return ManagedMemoryEstimate.For(ShapeInference.Resolve(spec), batchSize, operation == EngineOperations.Train,
            options.Threads > 0 ? options.Threads : Environment.ProcessorCount, dataBytes);
    }

    /// <summary>Throws InsufficientMemory when the run cannot fit; does nothing when <see cref="EngineRunOptions.CheckMemory"/> is false.</summary>
    public static void Ensure(IModelEngine engine, ModelSpec spec, EngineOperations operation, int batchSize, EngineRunOptions options,
        long dataBytes = 0, AvailableMemory? available = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.CheckMemory) return;
        var estimate = Estimate(engine, spec, operation, batchSize, options, dataBytes);
        string verb = operation switch
        {
            EngineOperations.Train => "Training",
            EngineOperations.Evaluate => "Evaluating",
            _ => "Timing",
        };
        MemoryBudget.Ensure(spec.Name, verb, estimate, available ?? AvailableMemory.Read());
    }
}
