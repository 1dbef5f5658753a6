using ModelCost.PS.Engines;

namespace ModelCost.PS.Validation;

/// <summary>What -Engine accepts: every engine the catalogue knows (installed or not) and any other installed one.</summary>
public sealed class EngineNames : INameSet
{
    public IReadOnlyList<string> Names => ModuleEngines.Catalog.Names;
}
