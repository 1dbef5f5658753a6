using System.Runtime.Loader;
using ModelCost.Core.Engines;
using ModelCost.PS.Loading;

namespace ModelCost.PS.Engines;

/// <summary>
/// The engine catalogue as the module sees it: engines installed in the Engines folder beside
/// ModelCost.PS.dll (out/ModelCost.PS/Engines/&lt;Name&gt;/), loaded on first use into the module's private
/// load context, where ModelCost.Core lives. Hosts that load Core into the default context (the C#
/// tests) keep the catalogue's own loader, which uses Core's context too.
/// </summary>
internal static class ModuleEngines
{
    private static readonly Lazy<EngineCatalog> Configured = new(Configure, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The module's Engines folder.</summary>
    public static string EngineDirectory { get; } = Path.Combine(
        Path.GetDirectoryName(typeof(ModuleEngines).Assembly.Location) ?? AppContext.BaseDirectory, "Engines");

    public static EngineCatalog Catalog => Configured.Value;

    private static EngineCatalog Configure()
    {
        var catalog = EngineCatalog.Default;
        catalog.EngineDirectory = EngineDirectory;
        if (AssemblyLoadContext.GetLoadContext(typeof(EngineCatalog).Assembly) is ModelCostAssemblyLoadContext context)
            catalog.AssemblyLoader = context.LoadEngine;
        return catalog;
    }
}
