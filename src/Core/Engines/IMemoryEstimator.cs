using ModelCost.Core.Memory;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engines;

/// <summary>
/// An engine that knows what its own runs allocate. Optional: <see cref="EngineMemory"/> uses it when an engine
/// implements it and otherwise estimates with the managed engine's buffer rules (a lower bound for an engine with a
/// runtime of its own, such as libtorch's caching allocator).
/// </summary>
public interface IMemoryEstimator
{
    /// <summary>What <paramref name="operation"/> of <paramref name="spec"/> at <paramref name="batchSize"/> will allocate beyond what the process holds, plus <paramref name="dataBytes"/> of data not yet loaded.</summary>
    MemoryEstimate EstimateMemory(ModelSpec spec, EngineOperations operation, int batchSize, EngineRunOptions options, long dataBytes);
}
