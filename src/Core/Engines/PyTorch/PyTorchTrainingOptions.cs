namespace ModelCost.Core.Engines.PyTorch;

/// <summary>How <see cref="PyTorchTrainer"/> runs the ranks: how many, which interpreter, which port, how long to wait.</summary>
public sealed class PyTorchTrainingOptions
{
    /// <summary>Local ranks (processes) on 127.0.0.1; each trains on its share of every epoch. Default 1.</summary>
    public int Processes { get; init; } = 1;

    /// <summary>The Python interpreter (a path or a command on PATH); null = python3.</summary>
    public string? PythonPath { get; init; }

    /// <summary>Rendezvous port on 127.0.0.1; 0 (default) = a free port chosen when the run starts.</summary>
    public int MasterPort { get; init; }

    /// <summary>
    /// Longest silence allowed from the ranks (no progress line) before the run counts as hung and every rank is
    /// stopped. It must exceed the slowest single batch and the start-up (importing torch, reading the data).
    /// The ranks' own collective timeout is set a minute longer, so this watchdog speaks first. Default 10 minutes.
    /// </summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Test hook: rewrites the generated script before it runs (e.g. to make one rank fail).</summary>
    internal Func<string, string>? ScriptTransform { get; init; }

    /// <summary>Test hook: called with (rank, process id) as each rank starts.</summary>
    internal Action<int, int>? RankStarted { get; init; }
}
