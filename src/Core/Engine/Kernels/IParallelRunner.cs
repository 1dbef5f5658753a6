namespace ModelCost.Core.Engine.Kernels;

/// <summary>
/// Something that runs part(0..Threads-1) concurrently and returns when all are done — the engine's
/// worker pool. Parallel GEMMs given one run on its threads instead of the TPL: no extra threads,
/// no allocation per call, and no oversubscription with the engine's own parallel regions.
/// </summary>
internal interface IParallelRunner
{
    int Threads { get; }

    void Run(Action<int> part);
}
