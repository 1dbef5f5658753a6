using System.Collections;
using System.Management.Automation;
using ModelCost.Core.Engines;
using ModelCost.PS.Infrastructure;
using ModelCost.PS.Inputs;
using ModelCost.PS.Validation;

namespace ModelCost.PS.Engines;

/// <summary>
/// What the commands that run a model share (Invoke-ModelTraining, Invoke-ModelEvaluation,
/// Measure-ModelLatency): -Engine and -EngineOption, resolved through the engine catalogue. The command
/// never learns which engine it talks to.
/// </summary>
public abstract class EngineCommand : ModelInputCommand
{
    /// <summary>The engine that runs the model: Managed (default, built in), Torch, PyTorch or OnnxRuntime when installed (see docs/engine.md).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateNameSet(typeof(EngineNames))]
    [ArgumentCompleter(typeof(NameSetCompleter<EngineNames>))]
    public string Engine { get; set; } = EngineCatalog.ManagedName;

    /// <summary>Settings only the chosen engine understands, e.g. @{ Processes = 2 } for PyTorch; an engine refuses a name it does not know.</summary>
    [Parameter]
    [ValidateNotNull]
    public Hashtable? EngineOption { get; set; }

    /// <summary>Run even when the model's memory estimate is more than the memory available (by default such a run is refused with InsufficientMemory, naming the largest batch size that fits).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>
    /// The seam's memory check (EngineMemory) for every engine, unless -Force: call it once the data are loaded
    /// (they then count in what is available). Throws InsufficientMemory, which fails this item only.
    /// </summary>
    private protected void EnsureMemory(IModelEngine engine, ModelCost.Core.Specs.ModelSpec spec, EngineOperations operation, int batchSize, EngineRunOptions options)
    {
        options.CheckMemory = !Force.IsPresent;
        EngineMemory.Ensure(engine, spec, operation, batchSize, options);
    }

    /// <summary>The engine named by -Engine (loaded on first use); throws UnknownEngine, EngineNotInstalled or EngineLoadFailed.</summary>
    private protected IModelEngine ResolveEngine() => ModuleEngines.Catalog.Get(Engine);

    /// <summary>-EngineOption as the core reads it: names case-insensitive, values without their PSObject wrappers.</summary>
    private protected IReadOnlyDictionary<string, object?> EngineOptions()
    {
        var options = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        if (EngineOption is null) return options;
        foreach (DictionaryEntry entry in EngineOption)
            options[entry.Key?.ToString() ?? ""] = PSObjectUnwrapper.Unwrap(entry.Value);
        return options;
    }
}
