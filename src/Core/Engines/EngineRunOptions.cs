namespace ModelCost.Core.Engines;

/// <summary>
/// What every engine operation's options share: the thread count and the engine-specific settings
/// (e.g. the PyTorch engine's Processes and PythonPath), which each engine reads and checks itself
/// through <see cref="EngineOptionValues"/>.
/// </summary>
public abstract class EngineRunOptions
{
    /// <summary>Worker threads; 0 = every core. Results repeat exactly for a given count.</summary>
    public int Threads { get; set; }

    /// <summary>
    /// Compare the run's memory estimate with the memory available before starting and refuse with
    /// InsufficientMemory when it cannot fit (<see cref="EngineMemory"/>). Default true; false tries anyway.
    /// </summary>
    public bool CheckMemory { get; set; } = true;

    /// <summary>Settings only one engine understands, by name (case-insensitive). An engine refuses a name it does not know.</summary>
    public IReadOnlyDictionary<string, object?> EngineOptions { get; set; } = Empty;

    private static readonly IReadOnlyDictionary<string, object?> Empty = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
}
